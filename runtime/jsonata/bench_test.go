package jsonata

import "testing"

// BenchmarkEval measures evaluations typical of Step Functions fields.
func BenchmarkEval(b *testing.B) {
	input, _ := FromJSON([]byte(`{"Account":{"Order":[{"OrderID":"o1","Product":[{"Name":"Hat","Price":34.45,"Qty":2},{"Name":"Bag","Price":21.67,"Qty":1}]},{"OrderID":"o2","Product":[{"Name":"Coat","Price":107.99,"Qty":1}]}]}}`))
	benches := []struct{ name, expr string }{
		{"field", `Account.Order[0].OrderID`},
		{"object", `{"id": Account.Order[0].OrderID, "total": $sum(Account.Order.Product.(Price * Qty))}`},
		{"group", `Account.Order.Product{Name: $sum(Price)}`},
		{"lambda", `$map(Account.Order.Product, function($p){$uppercase($p.Name)})`},
	}
	for _, bb := range benches {
		e := MustCompile(bb.expr)
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Eval(input, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
