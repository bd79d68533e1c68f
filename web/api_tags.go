package web

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// maxTags is AWS's limit on the tags of one resource.
const maxTags = 50

type apiTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func tagsOf(tags []apiTag) []resource.Tag {
	out := make([]resource.Tag, len(tags))
	for i, t := range tags {
		out[i] = resource.Tag{Key: t.Key, Value: t.Value}
	}
	return out
}

// checkTags holds tags to AWS's limits: keys of 1 to 128 characters, values of at most 256.
func checkTags(tags []apiTag) error {
	if len(tags) > maxTags {
		return newAPIError("TooManyTags", fmt.Sprintf("Too many tags: %d; a resource may have at most %d.", len(tags), maxTags))
	}
	for i, t := range tags {
		if n := utf8.RuneCountInString(t.Key); n < 1 || n > 128 {
			return invalidValue(fmt.Sprintf("tags.%d.member.key", i+1), clip(t.Key, 40), "Member must have length between 1 and 128")
		}
		if utf8.RuneCountInString(t.Value) > 256 {
			return invalidValue(fmt.Sprintf("tags.%d.member.value", i+1), clip(t.Value, 40), "Member must have length less than or equal to 256")
		}
	}
	return nil
}

type tagResourceRequest struct {
	ResourceArn string   `json:"resourceArn"`
	Tags        []apiTag `json:"tags"`
	TagKeys     []string `json:"tagKeys"`
}

type listTagsResponse struct {
	Tags []apiTag `json:"tags"`
}

// taggable checks that resourceArn names a state machine (or one of its versions or aliases)
// or an activity the studio has: ResourceNotFound otherwise.
func (s *Server) taggable(ctx context.Context, arn string) error {
	if err := required("resourceArn", arn); err != nil {
		return err
	}
	a, err := parseStepsARN("resourceArn", arn, "stateMachine", "activity")
	if err != nil {
		return err
	}
	notFound := newAPIError("ResourceNotFound", fmt.Sprintf("Resource not found: '%s'", clip(arn, 200)))
	if a.kind == "activity" {
		if _, err := s.activity(ctx, arn); err != nil {
			return notFound
		}
		return nil
	}
	if len(a.parts) == 2 {
		if _, isNumber := versionNumber(a.parts[1]); !isNumber {
			_, _, err = s.alias(ctx, arn)
		} else {
			_, err = s.machineOrVersion(ctx, arn)
		}
	} else {
		_, err = s.machineOrVersion(ctx, arn)
	}
	var ae *apiError
	if errors.As(err, &ae) && ae.code != "InvalidArn" {
		return notFound
	}
	return err
}

func (s *Server) apiTagResource(ctx context.Context, req *tagResourceRequest) (struct{}, error) {
	if err := firstOf(s.taggable(ctx, req.ResourceArn), checkTags(req.Tags)); err != nil {
		return struct{}{}, err
	}
	err := s.cfg.Store.TagResource(ctx, req.ResourceArn, tagsOf(req.Tags), maxTags)
	if errors.Is(err, resource.ErrTooManyTags) {
		return struct{}{}, newAPIError("TooManyTags", fmt.Sprintf("Too many tags: %s would have more than %d.", req.ResourceArn, maxTags))
	}
	return struct{}{}, err
}

func (s *Server) apiUntagResource(ctx context.Context, req *tagResourceRequest) (struct{}, error) {
	if err := s.taggable(ctx, req.ResourceArn); err != nil {
		return struct{}{}, err
	}
	return struct{}{}, s.cfg.Store.UntagResource(ctx, req.ResourceArn, req.TagKeys)
}

func (s *Server) apiListTagsForResource(ctx context.Context, req *tagResourceRequest) (listTagsResponse, error) {
	out := listTagsResponse{Tags: []apiTag{}}
	if err := s.taggable(ctx, req.ResourceArn); err != nil {
		return out, err
	}
	tags, err := s.cfg.Store.FindTags(ctx, req.ResourceArn)
	for _, t := range tags {
		out.Tags = append(out.Tags, apiTag{Key: t.Key, Value: t.Value})
	}
	return out, err
}
