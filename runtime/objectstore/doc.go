// Package objectstore is the Amazon S3 that distributed Maps read their items from and write
// their results to (runtime.ObjectStore): Folder, a folder on this machine standing in for
// S3 (a bucket is a subfolder, a key the path of a file below it), and Endpoint, an S3
// endpoint spoken to with aws-sdk-go-v2 (LocalStack, MinIO, or AWS itself).
package objectstore
