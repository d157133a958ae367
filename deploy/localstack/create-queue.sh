#!/bin/sh
# LocalStack runs this once S3 and SQS are ready (mounted into /etc/localstack/init/ready.d/).
# The queue's ARN is arn:aws:sqs:us-east-1:000000000000:s3storm-events, which
# scenarios/localstack.yaml names in setup.notifications.
set -eu
awslocal sqs create-queue --queue-name s3storm-events --region us-east-1
