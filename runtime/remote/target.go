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

// CheckTarget says what is wrong with a target before it is stored: its name, region,
// endpoint, role and credentials, each by field.
func CheckTarget(t resource.Target) error {
	switch {
	case strings.TrimSpace(t.Name) == "" || strings.ContainsAny(t.Name, "/?#%\r\n\t"):
		return fmt.Errorf("name: %q is not a target name: give a name without spaces at its ends, slashes or line breaks", t.Name)
	case !regionPattern.MatchString(t.Region):
		return fmt.Errorf("region: %q is not a region, such as us-east-1", t.Region)
	case t.Profile != "" && t.AccessKeyID != "":
		return fmt.Errorf("credentials: give a profile or an access key pair, not both")
	case t.RoleARN != "" && !rolePattern.MatchString(t.RoleARN):
		return fmt.Errorf("role ARN: %q is not an IAM role's ARN, such as arn:aws:iam::123456789012:role/StepFunctions", t.RoleARN)
	}
	if t.Endpoint != "" {
		u, err := url.Parse(t.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("endpoint: %q is not an http or https URL, such as http://127.0.0.1:4566", t.Endpoint)
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
