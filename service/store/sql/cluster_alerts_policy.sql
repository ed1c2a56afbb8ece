-- The cluster threshold and window of the routing policy in force on a day.
SELECT cluster_threshold, cluster_window_days FROM routing_policies
WHERE effective_from <= $1 ORDER BY effective_from DESC LIMIT 1
