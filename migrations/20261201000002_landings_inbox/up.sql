-- Landings context: the inbox of its event consumers (the summary projector), written in
-- the transaction of each reaction, so that an event delivered twice changes nothing.
-- Its former outbox is replaced by the platform's: a review now publishes
-- `landings.LandingReviewed` and names no consumer. Requests still pending in the old
-- outbox are dropped with it: the next import or review rebuilds every read model.
CREATE TABLE landings.inbox (
    consumer   text NOT NULL,
    event_id   uuid NOT NULL,
    handled_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

DROP TABLE landings.outbox;
