package designer

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Export for infrastructure as code: an AWS SAM or CloudFormation template holding the
// definition. The studio's definitions name real ARNs (a Lambda function in us-east-1 of
// account 123456789012); a template that kept them could be deployed only there. Each ARN or
// queue URL of the definition's own account and region becomes a DefinitionSubstitutions
// variable whose value is built with Fn::Sub from ${AWS::AccountId} and ${AWS::Region}, so the
// stack points at the resources of wherever it is deployed.
//
// CloudFormation applies DefinitionSubstitutions by replacing the text ${Name} for each Name
// in the map, and nothing else (the Step Functions resource provider's transformDefinition):
// it is not Fn::Sub, so ${!...} is no escape there and any other ${...} in the definition
// reaches Step Functions as it is. The variables are therefore named so as never to match a
// ${...} the definition already has.

// The template formats.
const (
	TemplateSAM            = "sam"
	TemplateCloudFormation = "cloudformation"
)

// ErrNotDeployable is wrapped by the errors of a definition the asked-for template cannot
// hold as it is (one that SAM would read as CloudFormation function calls).
var ErrNotDeployable = errors.New("designer: the definition cannot be deployed with this template")

// TemplateOptions says what kind of template to write and for which machine.
type TemplateOptions struct {
	// Format is TemplateSAM (the default when empty) or TemplateCloudFormation.
	Format string
	// Name is the state machine's name: its StateMachineName, and in PascalCase its logical id.
	Name string
	// Type is "STANDARD" (the default when empty) or "EXPRESS".
	Type string
}

// Template writes a SAM or CloudFormation template (YAML) that deploys definition (ASL JSON),
// its account- and region-specific ARNs turned into DefinitionSubstitutions.
func Template(definition []byte, opts TemplateOptions) ([]byte, error) {
	format := opts.Format
	if format == "" {
		format = TemplateSAM
	}
	if format != TemplateSAM && format != TemplateCloudFormation {
		return nil, fmt.Errorf("designer: unknown template format %q (sam or cloudformation)", opts.Format)
	}
	typ := opts.Type
	if typ == "" {
		typ = "STANDARD"
	}
	if typ != "STANDARD" && typ != "EXPRESS" {
		return nil, fmt.Errorf("designer: unknown state machine type %q (STANDARD or EXPRESS)", opts.Type)
	}
	def, err := yamlNode(definition)
	if err != nil {
		return nil, err
	}
	if def.Kind != yaml.MappingNode {
		return nil, errors.New("designer: the definition is not a JSON object")
	}
	subs := substitute(def)
	// CloudFormation reads a mapping whose only key is Ref or Fn::... as a function call
	// anywhere in a template, Definition included; SAM even turns such calls into
	// substitutions of its own. A definition holding one must go as a JSON string.
	intrinsic := intrinsicKey(def)
	if intrinsic != "" && format == TemplateSAM {
		return nil, fmt.Errorf("%w: it has an object whose only key is %q, which SAM reads as a CloudFormation function call; the CloudFormation template holds such a definition as a JSON string", ErrNotDeployable, intrinsic)
	}

	logicalID := "StateMachine"
	if opts.Name != "" {
		if logicalID = pascalCase(opts.Name); !strings.HasSuffix(logicalID, "StateMachine") {
			logicalID += "StateMachine" // OrderFlow is OrderFlowStateMachine
		}
	}
	props := &yaml.Node{Kind: yaml.MappingNode}
	definitionKey, definitionValue := "Definition", def
	if intrinsic != "" {
		var b bytes.Buffer
		if err := writeJSON(&b, def, ""); err != nil {
			return nil, err
		}
		b.WriteByte('\n')
		definitionKey = "DefinitionString"
		definitionValue = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: b.String(), Style: yaml.LiteralStyle}
	}
	var resourceType string
	if format == TemplateSAM {
		resourceType = "AWS::Serverless::StateMachine"
		if opts.Name != "" {
			addPair(props, "Name", plain(opts.Name))
		}
		addPair(props, "Type", plain(typ))
		addPair(props, "Role", tagged("!Ref", "StateMachineRoleArn"))
	} else {
		resourceType = "AWS::StepFunctions::StateMachine"
		if opts.Name != "" {
			addPair(props, "StateMachineName", plain(opts.Name))
		}
		addPair(props, "StateMachineType", plain(typ))
		addPair(props, "RoleArn", tagged("!Ref", "StateMachineRoleArn"))
	}
	if len(subs.vars) > 0 {
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, v := range subs.vars {
			addPair(m, v.name, tagged("!Sub", v.sub))
		}
		addPair(props, "DefinitionSubstitutions", m)
	}
	addPair(props, definitionKey, definitionValue)

	resource := &yaml.Node{Kind: yaml.MappingNode}
	addPair(resource, "Type", plain(resourceType))
	addPair(resource, "Properties", props)
	resources := &yaml.Node{Kind: yaml.MappingNode}
	addPair(resources, logicalID, resource)

	role := &yaml.Node{Kind: yaml.MappingNode}
	addPair(role, "Type", plain("String"))
	addPair(role, "Description", plain("ARN of the IAM role the state machine runs as; it must allow what the definition calls"))
	params := &yaml.Node{Kind: yaml.MappingNode}
	addPair(params, "StateMachineRoleArn", role)

	arn := &yaml.Node{Kind: yaml.MappingNode}
	addPair(arn, "Description", plain("ARN of the state machine"))
	addPair(arn, "Value", tagged("!Ref", logicalID)) // Ref of either resource type is its ARN
	outputs := &yaml.Node{Kind: yaml.MappingNode}
	addPair(outputs, "StateMachineArn", arn)

	root := &yaml.Node{Kind: yaml.MappingNode}
	addPair(root, "AWSTemplateFormatVersion", plain("2010-09-09"))
	if format == TemplateSAM {
		addPair(root, "Transform", plain("AWS::Serverless-2016-10-31"))
	}
	description := "Step Functions state machine exported from stepstudio"
	if opts.Name != "" {
		description = "The state machine " + opts.Name + ", exported from stepstudio"
	}
	addPair(root, "Description", plain(description))
	addPair(root, "Parameters", params)
	addPair(root, "Resources", resources)
	addPair(root, "Outputs", outputs)
	root.Content[0].HeadComment = templateComment(format, subs, definitionKey)
	quoteYAML11(root)
	return encodeYAML(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}})
}

// templateComment says on top of the template what was done to the definition and what is
// left to the person deploying it.
func templateComment(format string, subs substitutions, definitionKey string) string {
	var lines []string
	if format == TemplateSAM {
		lines = append(lines, "AWS SAM template exported from stepstudio. Deploy with: sam deploy --guided")
	} else {
		lines = append(lines, "AWS CloudFormation template exported from stepstudio.")
	}
	lines = append(lines,
		"The execution role is the parameter StateMachineRoleArn: give it a role that may call what",
		"the definition calls (no IAM policy is derived from the definition).")
	if len(subs.vars) == 0 {
		lines = append(lines, "The definition names no ARN of an account or a region: it is deployed as it is.")
	} else {
		home := subs.region // some ARNs have no account (or region, as IAM's)
		switch {
		case subs.account != "" && subs.region != "":
			home = "account " + subs.account + " in " + subs.region
		case subs.account != "":
			home = "account " + subs.account
		}
		lines = append(lines,
			"ARNs and queue URLs of "+home+" became DefinitionSubstitutions that name",
			"the stack's own (${AWS::AccountId}, ${AWS::Region}); edit one to point elsewhere.")
		if subs.foreign {
			lines = append(lines, "ARNs of other accounts or regions keep theirs.")
		}
	}
	if len(subs.own) > 0 {
		lines = append(lines, "Placeholders the definition already had ("+strings.Join(subs.own, ", ")+") stay as they are:",
			"DefinitionSubstitutions replaces only the names it lists (add them there to fill them).")
	}
	if definitionKey == "DefinitionString" {
		lines = append(lines, "The definition is a JSON string: it has an object whose only key is Ref or Fn::...,",
			"which CloudFormation would read as a function call.")
	}
	return "# " + strings.Join(lines, "\n# ")
}

func addPair(m *yaml.Node, key string, value *yaml.Node) {
	m.Content = append(m.Content, plain(key), value)
}

func plain(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

// tagged is a CloudFormation short-form function call (!Sub, !Ref).
func tagged(tag, s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: s} }

// quoteYAML11 double-quotes the strings that YAML 1.1, which CloudFormation reads, would take
// for something else but yaml.v3 (YAML 1.2) writes plain: a state named No would be false
// there, "on" true and "12:30:00" the number 45000. Quoting a few strings more than needed
// (any that starts with a digit, a sign or a dot) costs nothing.
func quoteYAML11(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Style == 0 {
		switch strings.ToLower(n.Value) {
		case "", "y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", "=", "<<":
			n.Style = yaml.DoubleQuotedStyle
		default:
			if strings.ContainsRune("0123456789+-.", rune(n.Value[0])) {
				n.Style = yaml.DoubleQuotedStyle
			}
		}
	}
	for _, c := range n.Content {
		quoteYAML11(c)
	}
}

// intrinsicKey finds an object whose only key CloudFormation reads as a function call.
func intrinsicKey(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		if k := n.Content[0].Value; k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return k
		}
	}
	for _, c := range n.Content {
		if k := intrinsicKey(c); k != "" {
			return k
		}
	}
	return ""
}

// substitutions are the variables a definition's ARNs became.
type substitutions struct {
	vars []substitution
	// account and region are the definition's own (the most named), made the stack's.
	account, region string
	// foreign is set when an ARN of another account or region kept its own.
	foreign bool
	// own are the ${...} placeholders the definition already had.
	own []string
}

type substitution struct {
	name string // the variable, ChargeFunctionArn
	sub  string // its Fn::Sub text, arn:${AWS::Partition}:lambda:${AWS::Region}:...
}

var (
	// arnPattern is an ARN with a region or an account (arn:partition:service:region:account:resource).
	// An account of "aws" (AWS managed IAM policies) is nobody's.
	arnPattern = regexp.MustCompile(`^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z]{2}(?:-[a-z]+)+-\d+)?:(\d{12})?:(\S+)$`)
	// queueURLPattern is an SQS queue URL (https://sqs.us-east-1.amazonaws.com/123456789012/name).
	queueURLPattern = regexp.MustCompile(`^https://sqs\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?/(\d{12})/([A-Za-z0-9_-]+(?:\.fifo)?)$`)
	placeholder     = regexp.MustCompile(`\$\{([^}]*)\}`)
)

// found is one ARN or queue URL of the definition, in parts.
type found struct {
	value                        string
	queueURL                     bool
	service, region, account, id string // id: the ARN's resource part, or the queue's name
}

// substitute replaces each account- or region-specific ARN and queue URL among the string
// values of def by ${Variable}, and returns the variables in the order they first appear.
func substitute(def *yaml.Node) substitutions {
	var strs []*yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 1; i < len(n.Content); i += 2 {
				walk(n.Content[i])
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.ScalarNode:
			if n.Tag == "!!str" {
				strs = append(strs, n)
			}
		}
	}
	walk(def)

	var s substitutions
	taken := map[string]bool{}
	for _, n := range strs {
		for _, m := range placeholder.FindAllStringSubmatch(n.Value, -1) {
			if !taken[m[1]] {
				taken[m[1]] = true
				s.own = append(s.own, m[0])
			}
		}
	}
	var all []found
	seen := map[string]bool{}
	accounts, regions := counter{}, counter{}
	for _, n := range strs {
		f, ok := parseFound(n.Value)
		if !ok || seen[f.value] {
			continue
		}
		seen[f.value] = true
		all = append(all, f)
		accounts.add(f.account)
		regions.add(f.region)
	}
	s.account, s.region = accounts.most(), regions.most()

	names := map[string]string{} // value -> variable
	for _, f := range all {
		name := uniqueName(variableName(f), taken)
		sub, foreign := s.subText(f)
		s.foreign = s.foreign || foreign
		s.vars = append(s.vars, substitution{name: name, sub: sub})
		names[f.value] = name
	}
	for _, n := range strs {
		if name, ok := names[n.Value]; ok {
			n.Value = "${" + name + "}"
		}
	}
	return s
}

func parseFound(v string) (found, bool) {
	if strings.Contains(v, "${") {
		// Already a template's text, or one that Fn::Sub and the substitutions would both
		// read: it stays as it is.
		return found{}, false
	}
	if m := arnPattern.FindStringSubmatch(v); m != nil && (m[3] != "" || m[4] != "") {
		return found{value: v, service: m[2], region: m[3], account: m[4], id: m[5]}, true
	}
	if m := queueURLPattern.FindStringSubmatch(v); m != nil {
		return found{value: v, queueURL: true, service: "sqs", region: m[1], account: m[2], id: m[3]}, true
	}
	return found{}, false
}

// subText is f as Fn::Sub text: the definition's own account and region become the stack's,
// another's stay (foreign reports that one did).
func (s substitutions) subText(f found) (sub string, foreign bool) {
	region, account := f.region, f.account
	if region != "" {
		if region == s.region {
			region = "${AWS::Region}"
		} else {
			foreign = true
		}
	}
	if account != "" {
		if account == s.account {
			account = "${AWS::AccountId}"
		} else {
			foreign = true
		}
	}
	if f.queueURL {
		return "https://sqs." + region + ".${AWS::URLSuffix}/" + account + "/" + f.id, foreign
	}
	return "arn:${AWS::Partition}:" + f.service + ":" + region + ":" + account + ":" + f.id, foreign
}

// variableName names f by what it is: ChargeFunctionArn, ApprovalsQueueUrl, NotifyTopicArn.
func variableName(f found) string {
	if f.queueURL {
		return pascalCase(strings.TrimSuffix(f.id, ".fifo")) + "QueueUrl"
	}
	// The resource part is "type:name[:qualifier]", "type/name[/...]" or a bare name.
	kind, name := "", f.id
	if i := strings.IndexAny(f.id, ":/"); i >= 0 {
		kind, name = f.id[:i], f.id[i+1:]
		parts := strings.Split(name, f.id[i:i+1])
		name = parts[0] // function:charge:prod is charge; table/Orders/index/x is Orders
		if f.service == "iam" {
			name = parts[len(parts)-1] // role/service-role/x is x: the rest is a path
		}
	}
	suffix := kindNames[f.service+"/"+kind]
	if suffix == "" {
		suffix = pascalCase(kind)
		if kind == "" {
			suffix = pascalCase(f.service)
		}
	}
	base := pascalCase(name)
	if base == "Resource" || !strings.HasSuffix(base, suffix) {
		base += suffix
	}
	return base + "Arn"
}

// kindNames are what people call the resources a definition usually names.
var kindNames = map[string]string{
	"lambda/function":     "Function",
	"sns/":                "Topic",
	"sqs/":                "Queue",
	"states/stateMachine": "StateMachine",
	"states/activity":     "Activity",
	"states/execution":    "Execution",
	"iam/role":            "Role",
	"dynamodb/table":      "Table",
	"events/event-bus":    "EventBus",
	"ecs/cluster":         "Cluster",
	"ecs/task-definition": "TaskDefinition",
}

func uniqueName(name string, taken map[string]bool) string {
	unique := name
	for i := 2; taken[unique]; i++ {
		unique = fmt.Sprintf("%s%d", name, i)
	}
	taken[unique] = true
	return unique
}

// pascalCase makes a name a CloudFormation logical id can hold (letters and digits):
// "order-flow" is OrderFlow, "charge_card" ChargeCard; a name with none is "Resource".
func pascalCase(s string) string {
	var b strings.Builder
	upper := true
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			if upper && r >= 'a' && r <= 'z' {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			upper = false
		default:
			upper = true
		}
	}
	if b.Len() == 0 {
		return "Resource"
	}
	return b.String()
}

// counter counts values to find the one named most, the first of equals.
type counter struct {
	order []string
	n     map[string]int
}

func (c *counter) add(v string) {
	if v == "" {
		return
	}
	if c.n == nil {
		c.n = map[string]int{}
	}
	if c.n[v] == 0 {
		c.order = append(c.order, v)
	}
	c.n[v]++
}

func (c *counter) most() string {
	best := ""
	for _, v := range c.order {
		if c.n[v] > c.n[best] {
			best = v
		}
	}
	return best
}
