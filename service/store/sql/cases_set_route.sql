UPDATE cases SET status = $2, route = $3, route_explanation = $4, merchant_id = coalesce($5, merchant_id), updated_at = $6
WHERE id = $1
