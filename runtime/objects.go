package runtime

import (
	"context"
	"errors"
	"io"
	"time"
)

// ObjectStore is the Amazon S3 a distributed Map reads its items from (ItemReader) and
// writes its results to (ResultWriter). The runtime does no I/O of its own: the studio passes
// in a local folder standing in for S3 or an S3 endpoint (runtime/objectstore).
type ObjectStore interface {
	// GetObject opens an object for reading; the caller closes it. A missing bucket or key
	// is an error wrapping ErrNoSuchBucket or ErrNoSuchKey.
	GetObject(ctx context.Context, bucket, key string) (io.ReadCloser, error)
	// ListObjects lists the objects of bucket whose keys begin with prefix, in key order
	// (as ListObjectsV2 lists them).
	ListObjects(ctx context.Context, bucket, prefix string) ([]ObjectInfo, error)
	// PutObject stores body as the object key of bucket, replacing any object there.
	PutObject(ctx context.Context, bucket, key string, body []byte) error
}

// ObjectInfo is an object as ListObjectsV2 describes it.
type ObjectInfo struct {
	Key string
	// ETag is S3's entity tag, with its quotes ("\"9b2cf535f27731c974343645a3985328\"").
	ETag         string
	LastModified time.Time
	Size         int64
	StorageClass string
}

// The errors an ObjectStore wraps for what is not there; their texts are S3's messages.
var (
	ErrNoSuchBucket = errors.New("The specified bucket does not exist.")
	ErrNoSuchKey    = errors.New("The specified key does not exist.")
)

// Error names of distributed Maps reading and writing Amazon S3.
const (
	ErrNameItemReaderFailed   = "States.ItemReaderFailed"
	ErrNameResultWriterFailed = "States.ResultWriterFailed"
)
