// Package reliability holds the SDK's fault matrix and security pass (in
// its tests), and NetworkMethods, which the client packages' tests use to
// check that every call of a client is in their route tables.
package reliability

import (
	"context"
	"reflect"
)

// NetworkMethods returns the names of the exported methods of t (a client
// type, usually a pointer) whose first parameter is a context.Context:
// the calls that may go over the network. It finds them by reflection, so
// a method added to a client is in the list without anyone writing it
// down.
func NetworkMethods(t reflect.Type) []string {
	ctxType := reflect.TypeFor[context.Context]()
	var names []string
	for i := range t.NumMethod() {
		m := t.Method(i) // exported methods only, sorted by name
		if m.Type.NumIn() > 1 && m.Type.In(1) == ctxType {
			names = append(names, m.Name)
		}
	}
	return names
}
