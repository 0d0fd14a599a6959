package aftersales

/*
#include <aftersales.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// Status is the kind of failure a call reports: the C library's aftersales_status. Each
// constant below is also an error, so that errors.Is(err, aftersales.ErrPolicy) asks what kind
// of error err is.
type Status int

// The C ABI's failure statuses (capi/aftersales.h); codes are only ever appended.
const (
	ErrInvalidArgument Status = C.AFTERSALES_EINVALID_ARGUMENT // a precondition broken: a bug in the caller
	ErrPolicy          Status = C.AFTERSALES_EPOLICY           // the policy document was rejected
	ErrInput           Status = C.AFTERSALES_EINPUT            // a run-time input is malformed
	ErrOutOfRange      Status = C.AFTERSALES_EOUT_OF_RANGE     // an instant or result outside 1970-2200
	ErrNotFound        Status = C.AFTERSALES_ENOT_FOUND        // a named thing does not exist
	ErrInternal        Status = C.AFTERSALES_EINTERNAL         // a bug in aftersales
	ErrNoMemory        Status = C.AFTERSALES_ENOMEM            // memory could not be allocated
)

var statusNames = map[Status]string{
	ErrInvalidArgument: "invalid argument",
	ErrPolicy:          "policy error",
	ErrInput:           "input error",
	ErrOutOfRange:      "out of range",
	ErrNotFound:        "not found",
	ErrInternal:        "internal error",
	ErrNoMemory:        "out of memory",
}

func (s Status) Error() string {
	if name, ok := statusNames[s]; ok {
		return "aftersales: " + name
	}
	return fmt.Sprintf("aftersales: status %d", int(s))
}

// Error is what every failed call returns: the status and the library's message for this very
// call (what went wrong, naming the input and the JSON path; a policy error lists one problem
// a line).
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string {
	return e.Status.Error() + ": " + e.Message
}

// Is makes errors.Is(err, aftersales.ErrNotFound) true for an *Error of that status.
func (e *Error) Is(target error) bool {
	status, ok := target.(Status)
	return ok && status == e.Status
}

// call runs one fallible C function, handing it the out_error parameter. The message comes
// back through that parameter, tied to the call: never aftersales_last_error(), which belongs
// to the OS thread, and a goroutine may move to another thread between two cgo calls.
func call(f func(outError **C.char) C.int) error {
	var message *C.char
	status := f(&message)
	if status == C.AFTERSALES_OK {
		return nil
	}
	err := &Error{Status: Status(status)}
	if message != nil {
		err.Message = C.GoString(message)
		C.aftersales_free(unsafe.Pointer(message))
	} else {
		// The library could not allocate the copy; the status still says what happened.
		err.Message = "(no message: the library could not allocate it)"
	}
	return err
}
