package views

import (
	"strconv"
	"strings"

	"github.com/stepstudio/stepstudio/runtime/resource"
)

// routingText says where an alias sends executions: "v3 80% / v4 20%".
func routingText(routes []resource.Route) string {
	parts := make([]string, len(routes))
	for i, r := range routes {
		parts[i] = "v" + strconv.Itoa(r.Version) + " " + strconv.Itoa(r.Weight) + "%"
	}
	return strings.Join(parts, " / ")
}

// startedThrough says which published version or alias an execution was started through:
// "version 3", "alias live → version 3", or "" when it was started on the machine itself.
// The ARNs end in the version's number or the alias's name, which a machine's name (no
// colons) never confuses.
func startedThrough(e resource.Execution) string {
	version := ""
	if e.VersionARN != "" {
		version = "version " + lastField(e.VersionARN)
	}
	if e.AliasARN == "" {
		return version
	}
	alias := "alias " + lastField(e.AliasARN)
	if version == "" {
		return alias
	}
	return alias + " → " + version
}

func lastField(arn string) string { return arn[strings.LastIndexByte(arn, ':')+1:] }
