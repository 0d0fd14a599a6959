package aftersales

/*
#include <aftersales.h>
*/
import "C"

import "runtime"

// CheckRefund decides one refund request (the spec §6 JSON object): the decision object
// {"eligible", "resolution", "refund", "method", ..., "reasons"} (docs/refunds.md). A refused
// request is not an error: the decision says "eligible": false and why.
func (p *Policy) CheckRefund(request []byte) ([]byte, error) {
	defer runtime.KeepAlive(p)
	text, n := textArg(request)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_refund_check(p.handle, text, n, out, outError)
	})
}

// CheckRefundLines decides many requests given as JSON Lines: one decision line (or error
// record) per non-blank input line, in input order.
func (p *Policy) CheckRefundLines(requests []byte, batch Batch) ([]byte, error) {
	defer runtime.KeepAlive(p)
	text, n := textArg(requests)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_refund_check_lines(p.handle, text, n, batch.threads(), batch.firstLine(),
			out, outError)
	})
}
