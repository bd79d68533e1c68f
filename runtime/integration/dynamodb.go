package integration

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dynamoDBService is Amazon DynamoDB (JSON 1.0, DynamoDB_20120810.GetItem, ...).
var dynamoDBService = AWSService{ID: "dynamodb", Name: "DynamoDB", Flag: "dynamodb-endpoint", Env: "DYNAMODB_ENDPOINT",
	sdkName: "AmazonDynamoDBv2", unmodeled: "AmazonDynamoDBException", sdkMetadata: true,
	newClient: func(c aws.Config) any { return dynamodb.NewFromConfig(c) }}

// The DynamoDB integrations take the API's parameters (TableName, Key, Item,
// ConditionExpression, UpdateExpression, ExpressionAttributeValues, ReturnValues, ...) with
// attribute values in their JSON form ({"S": "text"}, {"N": "1"}) and answer its response
// (Item, Attributes, ConsumedCapacity, ...) in the same form, with the SDK's metadata.
var (
	getItem    = apiAction(&dynamoDBService, (*dynamodb.Client).GetItem)
	putItem    = apiAction(&dynamoDBService, (*dynamodb.Client).PutItem)
	updateItem = apiAction(&dynamoDBService, (*dynamodb.Client).UpdateItem)
	deleteItem = apiAction(&dynamoDBService, (*dynamodb.Client).DeleteItem)
)

var attributeValueType = reflect.TypeFor[types.AttributeValue]()

// attributeValueMembers are the SDK's attribute value types by their JSON name: S is
// types.AttributeValueMemberS, whose Value holds the value.
var attributeValueMembers = func() map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for _, v := range []types.AttributeValue{&types.AttributeValueMemberS{}, &types.AttributeValueMemberN{},
		&types.AttributeValueMemberB{}, &types.AttributeValueMemberBOOL{}, &types.AttributeValueMemberNULL{},
		&types.AttributeValueMemberM{}, &types.AttributeValueMemberL{}, &types.AttributeValueMemberSS{},
		&types.AttributeValueMemberNS{}, &types.AttributeValueMemberBS{}} {
		t := reflect.TypeOf(v).Elem()
		m[strings.TrimPrefix(t.Name(), "AttributeValueMember")] = t
	}
	return m
}()

// decodeAttributeValue reads an attribute value's JSON form, an object of one member.
func decodeAttributeValue(data []byte) (types.AttributeValue, error) {
	var one map[string]json.RawMessage
	if err := json.Unmarshal(data, &one); err != nil || len(one) != 1 {
		return nil, fmt.Errorf("an attribute value is an object of one member, such as {\"S\": \"text\"} or {\"N\": \"1\"}, not %s", data)
	}
	var name string
	var raw json.RawMessage
	for name, raw = range one { // its one member
	}
	t, ok := attributeValueMembers[name]
	if !ok {
		return nil, fmt.Errorf("%q is not an attribute value's type (S, N, B, BOOL, NULL, M, L, SS, NS or BS)", name)
	}
	p := reflect.New(t)
	if err := decode(raw, p.Elem().FieldByName("Value")); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return p.Interface().(types.AttributeValue), nil
}

// encodeAttributeValue is the JSON form of v, one of the SDK's attribute value types.
func encodeAttributeValue(v reflect.Value) any {
	v = reflect.Indirect(v)
	value := v.FieldByName("Value")
	if !value.IsValid() { // an unknown union member, which the SDK keeps as is
		return encode(v)
	}
	switch { // an empty L, M, B or set is empty, not null
	case value.Kind() == reflect.Map && value.IsNil():
		value = reflect.MakeMap(value.Type())
	case value.Kind() == reflect.Slice && value.IsNil():
		value = reflect.MakeSlice(value.Type(), 0, 0)
	}
	return map[string]any{strings.TrimPrefix(v.Type().Name(), "AttributeValueMember"): encode(value)}
}
