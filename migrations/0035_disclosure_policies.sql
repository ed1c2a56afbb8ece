-- Issue 18 (public accountability, policy arts. 18-20, 24): the thresholds of what is published and
-- of product risk signals, versioned by date like the routing policy. Data, never literals in code.
CREATE TABLE disclosure_policies (
    id                          text PRIMARY KEY,
    effective_from              date NOT NULL UNIQUE,
    -- a merchant is named in public only with at least this many accepted complaints in the window
    merchant_threshold          integer NOT NULL DEFAULT 3 CHECK (merchant_threshold >= 1),
    merchant_window_months      integer NOT NULL DEFAULT 12 CHECK (merchant_window_months BETWEEN 1 AND 36),
    -- every quasi-identifier combination in an open-data file has at least k rows
    open_data_k                 integer NOT NULL DEFAULT 5 CHECK (open_data_k >= 2),
    -- the same product complained of across at least this many merchants, with at least this many
    -- complaints, within the window, raises a product risk signal
    product_signal_merchants    integer NOT NULL DEFAULT 2 CHECK (product_signal_merchants >= 1),
    product_signal_complaints   integer NOT NULL DEFAULT 3 CHECK (product_signal_complaints >= 1),
    product_signal_window_days  integer NOT NULL DEFAULT 90 CHECK (product_signal_window_days BETWEEN 1 AND 730)
);
INSERT INTO disclosure_policies (id, effective_from) VALUES ('disclosure2026', DATE '2020-01-01');
