SELECT uscc, id, kind FROM merchants WHERE uscc = any($1::text[])
