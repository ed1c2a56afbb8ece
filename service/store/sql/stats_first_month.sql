-- The local month of the first complaint ever received (NULL when there is none).
SELECT date_trunc('month', min(received_on))::date FROM cases
