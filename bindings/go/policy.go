package aftersales

/*
#include <aftersales.h>
*/
import "C"

import "runtime"

// Policy is a loaded, validated and compiled policy document (docs/policy.md). It is immutable:
// any number of goroutines may use one Policy at once.
type Policy struct {
	handle *C.aftersales_policy
}

// LoadPolicy parses, validates and compiles the policy document doc (UTF-8 JSON). A rejected
// document gives an *Error with status ErrPolicy listing every problem, one a line, each as
// "path: message".
func LoadPolicy(doc []byte) (*Policy, error) {
	var handle *C.aftersales_policy
	text, n := textArg(doc)
	err := call(func(outError **C.char) C.int {
		return C.aftersales_policy_load(text, n, &handle, outError)
	})
	if err != nil {
		return nil, err
	}
	return newPolicy(handle), nil
}

// LoadPolicyFile reads the policy document in the file at path and loads it as LoadPolicy.
func LoadPolicyFile(path string) (*Policy, error) {
	cPath, err := cString("path", path)
	if err != nil {
		return nil, err
	}
	defer freeCString(cPath)
	var handle *C.aftersales_policy
	err = call(func(outError **C.char) C.int {
		return C.aftersales_policy_load_file(cPath, &handle, outError)
	})
	if err != nil {
		return nil, err
	}
	return newPolicy(handle), nil
}

func newPolicy(handle *C.aftersales_policy) *Policy {
	p := &Policy{handle: handle}
	runtime.SetFinalizer(p, (*Policy).Close)
	return p
}

// Close releases the policy. Calendars and routers obtained from it stay valid. Closing twice
// is harmless; a call on a closed policy fails with ErrInvalidArgument.
func (p *Policy) Close() error {
	if p.handle != nil {
		C.aftersales_policy_free(p.handle)
		p.handle = nil
		runtime.SetFinalizer(p, nil)
	}
	return nil
}

// JSON is the document the policy was loaded from, byte for byte: how a policy travels to
// another process.
func (p *Policy) JSON() ([]byte, error) {
	defer runtime.KeepAlive(p)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_policy_to_json(p.handle, out, outError)
	})
}

// Calendar looks up the business-hours calendar called name; ErrNotFound names those that
// exist.
func (p *Policy) Calendar(name string) (*Calendar, error) {
	defer runtime.KeepAlive(p)
	cName, err := cString("calendar name", name)
	if err != nil {
		return nil, err
	}
	defer freeCString(cName)
	var handle *C.aftersales_calendar
	err = call(func(outError **C.char) C.int {
		return C.aftersales_policy_calendar(p.handle, cName, &handle, outError)
	})
	if err != nil {
		return nil, err
	}
	c := &Calendar{handle: handle}
	runtime.SetFinalizer(c, (*Calendar).Close)
	return c, nil
}
