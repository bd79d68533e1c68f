package remote

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
	rolePattern   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/.+$`)
)

// FieldError is what is wrong with one field of a target, so that a form can say it beside
// the field; it reads "field: message".
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldError(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// CheckTarget says what is wrong with a target before it is stored: its name, region,
// endpoint, role and credentials, each by field (a *FieldError).
func CheckTarget(t resource.Target) error {
	switch {
	case strings.TrimSpace(t.Name) == "" || strings.ContainsAny(t.Name, "/?#%\r\n\t"):
		return fieldError("name", "%q is not a target name: give a name without spaces at its ends, slashes or line breaks", t.Name)
	case !regionPattern.MatchString(t.Region):
		return fieldError("region", "%q is not a region, such as us-east-1", t.Region)
	case t.Profile != "" && t.AccessKeyID != "":
		return fieldError("credentials", "give a profile or an access key pair, not both")
	case t.RoleARN != "" && !rolePattern.MatchString(t.RoleARN):
		return fieldError("role ARN", "%q is not an IAM role's ARN, such as arn:aws:iam::123456789012:role/StepFunctions", t.RoleARN)
	}
	if t.Endpoint != "" {
		u, err := url.Parse(t.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fieldError("endpoint", "%q is not an http or https URL, such as http://127.0.0.1:4566", t.Endpoint)
		}
	}
	return nil
}

// CredentialsOf says where a target's credentials come from, never the secret itself.
func CredentialsOf(t resource.Target) string {
	switch {
	case t.AccessKeyID != "":
		return "access key " + t.AccessKeyID
	case t.Profile != "":
		return "profile " + t.Profile
	}
	return "the default AWS chain"
}
