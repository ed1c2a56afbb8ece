-- A mediator's own open-case limit, or NULL when the queue's applies.
SELECT max_open FROM mediator_limits WHERE user_id = $1
