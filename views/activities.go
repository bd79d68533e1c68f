package views

import "time"

// workerCommand is the AWS CLI call with which a worker asks the studio for a task of the
// activity: the first thing to try when tasks wait and nobody takes them.
func workerCommand(arn, endpoint string) string {
	return "aws stepfunctions get-activity-task --activity-arn " + arn + " --endpoint-url " + endpoint
}

// workerName shows a worker's name; GetActivityTask's workerName is optional.
func workerName(name string) string {
	if name == "" {
		return "(unnamed worker)"
	}
	return name
}

// agoText says how long before now t was, as the inbox says how long a task has waited.
func agoText(now, t time.Time) string {
	if w := Waited(now.Sub(t)); w != "just now" {
		return w + " ago"
	}
	return "just now"
}
