package integration

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// snsService is Amazon SNS (the query protocol: Action=Publish, an XML answer).
var snsService = AWSService{ID: "sns", Name: "SNS", Flag: "sns-endpoint", Env: "SNS_ENDPOINT",
	sdkName: "AmazonSNS", unmodeled: "AmazonSNSException", sdkMetadata: true,
	newClient: func(c aws.Config) any { return sns.NewFromConfig(c) }}

// publish is arn:aws:states:::sns:publish: TopicArn, TargetArn or PhoneNumber, Message (an
// object goes as its JSON text), Subject, MessageAttributes, MessageStructure,
// MessageDeduplicationId, MessageGroupId; the result is MessageId (and SequenceNumber for a
// FIFO topic) with the SDK's metadata.
var publish = apiAction(&snsService, (*sns.Client).Publish)
