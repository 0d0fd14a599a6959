package aftersales

/*
#include <aftersales.h>
*/
import "C"

import "runtime"

// DecideCompensation decides one compensation request (the JSON object of
// docs/compensation.md): the decision {"compensate", "total", "offers", ..., "reasons"}.
// Nothing to offer is not an error: the decision says "compensate": false and why.
func (p *Policy) DecideCompensation(request []byte) ([]byte, error) {
	defer runtime.KeepAlive(p)
	text, n := textArg(request)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_compensation_decide(p.handle, text, n, out, outError)
	})
}

// DecideCompensationLines decides many requests given as JSON Lines: one decision line (or
// error record) per non-blank input line, in input order.
func (p *Policy) DecideCompensationLines(requests []byte, batch Batch) ([]byte, error) {
	defer runtime.KeepAlive(p)
	text, n := textArg(requests)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_compensation_decide_lines(p.handle, text, n, batch.threads(), batch.firstLine(),
			out, outError)
	})
}
