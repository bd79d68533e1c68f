package integration

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// sqsService is Amazon SQS (the JSON protocol, AmazonSQS.SendMessage).
var sqsService = AWSService{ID: "sqs", Name: "SQS", Flag: "sqs-endpoint", Env: "SQS_ENDPOINT",
	sdkName: "AmazonSQS", unmodeled: "AmazonSQSException", sdkMetadata: true,
	newClient: func(c aws.Config) any { return sqs.NewFromConfig(c) }}

// sendMessage is arn:aws:states:::sqs:sendMessage: QueueUrl, MessageBody (an object goes as
// its JSON text, a task token in it for .waitForTaskToken), DelaySeconds, MessageAttributes,
// MessageDeduplicationId, MessageGroupId; the result is MD5OfMessageBody, MessageId (and
// SequenceNumber for a FIFO queue) with the SDK's metadata. The SDK checks the MD5 the queue
// answers against the body it sent.
var sendMessage = apiAction(&sqsService, (*sqs.Client).SendMessage)
