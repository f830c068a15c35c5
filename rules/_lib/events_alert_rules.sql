-- doc: EventBridge rules on the default bus that have an event pattern, with whether each has a target;
--   test a pattern with event_pattern_admits(event_pattern, probe): true when some event with the probe's
--   fields (JSON, e.g. {"source": "aws.iam"}) can match it under the full EventBridge grammar, fields the
--   probe lacks being unconstrained (NULL for NULL input, false for an invalid pattern);
--   event_pattern_accepts(event_pattern, field, value) is the one-field form.
-- column account_id: Account id.
-- column region: Region of the rule.
-- column name: Rule name.
-- column state: ENABLED, DISABLED or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.
-- column event_pattern: The rule's event pattern, as JSON text.
-- column has_target: The rule has at least one target.
CREATE VIEW events_alert_rules AS
SELECT r.account_id, r.region, r.name, r.state, r.event_pattern,
       EXISTS (SELECT 1 FROM events_targets AS t
               WHERE t.account_id = r.account_id AND t.region = r.region
                 AND t.event_bus_name = r.event_bus_name AND t.rule_name = r.name) AS has_target
FROM events_rules AS r
WHERE r.event_bus_name = 'default' AND r.event_pattern IS NOT NULL
