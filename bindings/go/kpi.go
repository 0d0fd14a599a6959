package aftersales

/*
#include <aftersales.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// kpiCall runs a KPI function on tickets (JSON Lines, lent for the call) and options, the JSON
// object of docs/kpi.md ({"group_by": ["agent", "day"], "time_zone": "Asia/Shanghai",
// "orders": 120000}) as a C string, or NULL for the defaults when options is empty.
func (p *Policy) kpiCall(tickets, options []byte,
	f func(text *C.char, n C.size_t, cOptions *C.char, out, outError **C.char) C.int) ([]byte, error) {
	defer runtime.KeepAlive(p)
	var cOptions *C.char
	if len(options) > 0 {
		var err error
		if cOptions, err = cString("KPI options", string(options)); err != nil {
			return nil, err
		}
		defer freeCString(cOptions)
	}
	text, n := textArg(tickets)
	return callText(func(out, outError **C.char) C.int { return f(text, n, cOptions, out, outError) })
}

// ComputeKPI gives the KPIs (docs/kpi.md) of the tickets (JSON Lines) as of at; options nil or
// empty means the defaults.
func (p *Policy) ComputeKPI(tickets []byte, at time.Time, options []byte, batch Batch) ([]byte, error) {
	return p.kpiCall(tickets, options, func(text *C.char, n C.size_t, cOptions *C.char, out, outError **C.char) C.int {
		return C.aftersales_kpi_compute(p.handle, text, n, millis(at), cOptions, batch.threads(),
			batch.firstLine(), out, outError)
	})
}

// Scorecard gives the policy's scorecard scorecardID over the KPIs ComputeKPI would give for
// the same arguments: a score, stars and a rank per group. An unknown scorecard is ErrNotFound.
func (p *Policy) Scorecard(scorecardID string, tickets []byte, at time.Time, options []byte,
	batch Batch) ([]byte, error) {
	cID, err := cString("scorecard id", scorecardID)
	if err != nil {
		return nil, err
	}
	defer freeCString(cID)
	return p.kpiCall(tickets, options, func(text *C.char, n C.size_t, cOptions *C.char, out, outError **C.char) C.int {
		return C.aftersales_kpi_scorecard(p.handle, cID, text, n, millis(at), cOptions, batch.threads(),
			batch.firstLine(), out, outError)
	})
}
