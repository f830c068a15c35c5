-- doc: CloudTrail records of successful API calls by an IAM user, one per event name, as JSON text: the
--   events a CIS monitoring control's metric filter must match (pass them to metric_alarm_coverage).
-- param event_source: The service's event source, e.g. iam.amazonaws.com.
-- param event_names: The API operations, a list of event names.
CREATE MACRO api_call_events(event_source, event_names) AS
    list_transform(event_names, lambda n: CAST(json_object(
        'sourceIPAddress', '198.51.100.7', 'eventType', 'AwsApiCall', 'userIdentity', json_object('type', 'IAMUser'),
        'eventSource', event_source, 'eventName', n) AS VARCHAR))
