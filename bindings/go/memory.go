package aftersales

/*
#include <stdlib.h>
#include <string.h>
#include <aftersales.h>
*/
import "C"

import (
	"fmt"
	"strings"
	"unsafe"
)

// empty stands in for a zero-length input: the C functions take a pointer and a length, and
// refuse a NULL pointer even when the length is 0.
var empty = []byte{0}

// textArg passes b to C without copying. Go memory is only lent for the call: the library reads
// its inputs during the call and keeps nothing (capi/aftersales.h).
func textArg(b []byte) (*C.char, C.size_t) {
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&empty[0])), 0
	}
	return (*C.char)(unsafe.Pointer(&b[0])), C.size_t(len(b))
}

// cString copies s into C memory, NUL-terminated, for the functions that take a C string; the
// caller frees it with freeCString. A NUL inside s would silently cut it short in C, so it is
// refused, naming the argument `what` (the text itself may be customer data: not echoed).
func cString(what, s string) (*C.char, error) {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return nil, &Error{Status: ErrInvalidArgument, Message: fmt.Sprintf("%s holds a NUL byte at offset %d", what, i)}
	}
	return C.CString(s), nil
}

func freeCString(s *C.char) {
	C.free(unsafe.Pointer(s))
}

// takeBytes copies a NUL-terminated text the library handed out into Go memory and releases
// the original with aftersales_free.
func takeBytes(text *C.char) []byte {
	if text == nil {
		return nil
	}
	defer C.aftersales_free(unsafe.Pointer(text))
	n := int(C.strlen(text))
	out := make([]byte, n)
	copy(out, unsafe.Slice((*byte)(unsafe.Pointer(text)), n))
	return out
}

// callText runs a C function that returns a text through its out parameter (to be freed with
// aftersales_free) and gives the text as Go bytes.
func callText(f func(out **C.char, outError **C.char) C.int) ([]byte, error) {
	var text *C.char
	if err := call(func(outError **C.char) C.int { return f(&text, outError) }); err != nil {
		return nil, err
	}
	return takeBytes(text), nil
}
