package objectstore

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stepstudio/stepstudio/runtime"
)

// Folder stands in for Amazon S3 with a folder: the bucket "data" is the subfolder
// Root/data, the key "in/rows.csv" the file Root/data/in/rows.csv. A bucket must exist as a
// folder, as a bucket must exist on S3; keys may not leave their bucket's folder.
type Folder struct {
	Root string
}

// tempPrefix starts the names of files being written, which listings skip.
const tempPrefix = ".stepstudio-put-"

// bucketDir is the folder of bucket, which must exist.
func (f Folder) bucketDir(bucket string) (string, error) {
	if bucket == "" || bucket == "." || bucket == ".." || strings.ContainsAny(bucket, `/\`) {
		return "", fmt.Errorf("objectstore: %q is not a bucket name: a bucket is one folder of %s", bucket, f.Root)
	}
	dir := filepath.Join(f.Root, bucket)
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		return "", fmt.Errorf("%w (no folder %s)", runtime.ErrNoSuchBucket, dir)
	}
	return dir, nil
}

// file is the path of key in bucket. A key that is absolute or climbs out with ".." is
// refused: the folder must not hand out files beyond it.
func (f Folder) file(bucket, key string) (string, error) {
	dir, err := f.bucketDir(bucket)
	if err != nil {
		return "", err
	}
	if !filepath.IsLocal(filepath.FromSlash(key)) || strings.Contains(key, `\`) {
		return "", fmt.Errorf("objectstore: the key %q leaves the folder of bucket %q: keys may not be empty or absolute, nor hold \"..\"", key, bucket)
	}
	return filepath.Join(dir, filepath.FromSlash(key)), nil
}

// GetObject opens the file of key.
func (f Folder) GetObject(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	path, err := f.file(bucket, key)
	if err != nil {
		return nil, err
	}
	file, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (no file %s)", runtime.ErrNoSuchKey, path)
	}
	if err != nil {
		return nil, fmt.Errorf("objectstore: %w", err)
	}
	if info, err := file.Stat(); err == nil && info.IsDir() {
		file.Close()
		return nil, fmt.Errorf("%w (%s is a folder)", runtime.ErrNoSuchKey, path)
	}
	return file, nil
}

// ListObjects lists the files of bucket whose keys begin with prefix, in key order. Their
// ETag is the MD5 of their content, as S3 gives it for an object stored in one part.
func (f Folder) ListObjects(ctx context.Context, bucket, prefix string) ([]runtime.ObjectInfo, error) {
	dir, err := f.bucketDir(bucket)
	if err != nil {
		return nil, err
	}
	var out []runtime.ObjectInfo
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), tempPrefix) {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !strings.HasPrefix(key, prefix) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		etag, err := fileMD5(path)
		if err != nil {
			return err
		}
		out = append(out, runtime.ObjectInfo{Key: key, ETag: `"` + etag + `"`, LastModified: info.ModTime(),
			Size: info.Size(), StorageClass: "STANDARD"})
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("objectstore: list %s: %w", dir, err)
	}
	slices.SortFunc(out, func(a, b runtime.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

func fileMD5(path string) (string, error) {
	file, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	h := md5.New()
	if _, err := io.Copy(h, file); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// PutObject writes the file of key, making its folders: to a temporary file first, renamed
// into place, so that a reader never sees half an object.
func (f Folder) PutObject(ctx context.Context, bucket, key string, body []byte) error {
	path, err := f.file(bucket, key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("objectstore: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), tempPrefix+"*")
	if err != nil {
		return fmt.Errorf("objectstore: %w", err)
	}
	if err = tmp.Chmod(0o644); err == nil {
		_, err = tmp.Write(body)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("objectstore: %w", err)
	}
	return nil
}
