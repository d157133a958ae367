-- wrk script for the events webhook ingest rate: each request POSTs a one-record S3 event (the
-- shape AWS sends) with a fresh key "obj-<thread>-<n>", which events_bench --serve-webhook expects.
--   wrk -t1 -c32 -d10s -s bench/events_webhook.lua http://127.0.0.1:9911/

local next_thread = 0

function setup(thread)
  thread:set("id", next_thread)
  next_thread = next_thread + 1
end

local counter = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local template = '{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1",'
  .. '"eventTime":"2025-11-07T09:41:23.870Z","eventName":"ObjectCreated:Put",'
  .. '"userIdentity":{"principalId":"AWS:AIDAEXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},'
  .. '"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},'
  .. '"s3":{"s3SchemaVersion":"1.0","configurationId":"s3storm","bucket":{"name":"test-bucket",'
  .. '"ownerIdentity":{"principalId":"A3NL1KOZZKExample"},"arn":"arn:aws:s3:::test-bucket"},'
  .. '"object":{"key":"obj-%d-%d","size":4096,"eTag":"b72a05983f663132daaf4688bb919f80",'
  .. '"sequencer":"0055AED6DCD90281E5"}}}]}'

function request()
  counter = counter + 1
  return wrk.format(nil, "/", nil, string.format(template, id, counter))
end
