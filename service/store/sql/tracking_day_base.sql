SELECT base FROM tracking_day_base WHERE day = $1
