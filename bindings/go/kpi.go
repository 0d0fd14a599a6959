package aftersales

/*
#include <stdlib.h>
#include <aftersales.h>
*/
import "C"

import (
	"runtime"
	"time"
	"unsafe"
)

// KPI options are the JSON object of docs/kpi.md, for example
// {"group_by": ["agent", "day"], "time_zone": "Asia/Shanghai", "orders": 120000}; nil or empty
// means the defaults.
func kpiOptions(options []byte) (*C.char, error) {
	if len(options) == 0 {
		return nil, nil
	}
	return cString("KPI options", string(options))
}

// ComputeKPI gives the KPIs (docs/kpi.md) of the tickets in tickets (JSON Lines) as of at.
func (p *Policy) ComputeKPI(tickets []byte, at time.Time, options []byte, batch Batch) ([]byte, error) {
	defer runtime.KeepAlive(p)
	cOptions, err := kpiOptions(options)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cOptions))
	text, n := textArg(tickets)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_kpi_compute(p.handle, text, n, millis(at), cOptions, batch.threads(),
			batch.firstLine(), out, outError)
	})
}

// Scorecard gives the policy's scorecard scorecardID over the KPIs ComputeKPI would give for
// the same arguments: a score, stars and a rank per group. An unknown scorecard is ErrNotFound.
func (p *Policy) Scorecard(scorecardID string, tickets []byte, at time.Time, options []byte,
	batch Batch) ([]byte, error) {
	defer runtime.KeepAlive(p)
	cID, err := cString("scorecard id", scorecardID)
	if err != nil {
		return nil, err
	}
	defer freeCString(cID)
	cOptions, err := kpiOptions(options)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cOptions))
	text, n := textArg(tickets)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_kpi_scorecard(p.handle, cID, text, n, millis(at), cOptions,
			batch.threads(), batch.firstLine(), out, outError)
	})
}
