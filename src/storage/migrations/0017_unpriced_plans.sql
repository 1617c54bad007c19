-- A plan an import made from a router's profile whose price the router cannot know: inactive,
-- at price 0 and `unpriced` until an operator sets its price. Invoice generation passes over
-- the subscriptions of unpriced plans, so nobody is invoiced a made-up price.
ALTER TABLE plans ADD COLUMN unpriced {bool} NOT NULL DEFAULT FALSE
