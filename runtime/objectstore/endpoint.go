package objectstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/stepstudio/stepstudio/runtime"
)

// Endpoint speaks to an S3 endpoint (LocalStack, MinIO, AWS) through aws-sdk-go-v2's S3
// client, which signs its requests with SigV4. Buckets are addressed by path
// (http://host/bucket/key), which local endpoints serve without DNS names per bucket.
type Endpoint struct {
	client *s3.Client
}

// NewEndpoint returns the store of the S3 endpoint at url (such as http://127.0.0.1:4566).
// Without credentials, fixed ones sign the requests: local endpoints such as LocalStack do
// not check them (MinIO does: pass its keys).
func NewEndpoint(url, region string, creds aws.CredentialsProvider, httpClient *http.Client) *Endpoint {
	if creds == nil {
		creds = credentials.NewStaticCredentialsProvider("stepstudio", "stepstudio", "")
	}
	if region == "" {
		region = "us-east-1"
	}
	opts := s3.Options{Region: region, BaseEndpoint: aws.String(url), Credentials: creds, UsePathStyle: true,
		// Checksums only where S3 requires them: the SDK's default (a CRC trailer on every
		// upload, in aws-chunked encoding) is more than local endpoints understand.
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		RetryMaxAttempts:           3}
	if httpClient != nil { // a nil *http.Client in the interface would be used, and panic
		opts.HTTPClient = httpClient
	}
	return &Endpoint{client: s3.New(opts)}
}

// GetObject streams the object's body.
func (e *Endpoint) GetObject(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	out, err := e.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, s3Error(err)
	}
	return out.Body, nil
}

// ListObjects lists the objects under prefix, page after page of ListObjectsV2.
func (e *Endpoint) ListObjects(ctx context.Context, bucket, prefix string) ([]runtime.ObjectInfo, error) {
	in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	var out []runtime.ObjectInfo
	pages := s3.NewListObjectsV2Paginator(e.client, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, s3Error(err)
		}
		for _, o := range page.Contents {
			out = append(out, runtime.ObjectInfo{Key: aws.ToString(o.Key), ETag: aws.ToString(o.ETag),
				LastModified: aws.ToTime(o.LastModified), Size: aws.ToInt64(o.Size), StorageClass: string(o.StorageClass)})
		}
	}
	return out, nil
}

// PutObject uploads body.
func (e *Endpoint) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	_, err := e.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key),
		Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))), ContentType: aws.String("application/json")})
	return s3Error(err)
}

// s3Error wraps S3's NoSuchBucket and NoSuchKey as the runtime's errors.
func s3Error(err error) error {
	var noKey *types.NoSuchKey
	var noBucket *types.NoSuchBucket
	switch {
	case err == nil:
		return nil
	case errors.As(err, &noKey):
		return runtime.ErrNoSuchKey
	case errors.As(err, &noBucket):
		return runtime.ErrNoSuchBucket
	}
	return fmt.Errorf("objectstore: %w", err)
}
