package aftersales

/*
#include <aftersales.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// EvaluateSLA says where each SLA clock of a ticket (the spec §3 JSON object) stands at at: the
// report object {"ticket", "policy", "priority", "metrics", "escalations", "next_check_at"}
// (docs/sla.md). Events after at are ignored, so an earlier instant replays the past.
func (p *Policy) EvaluateSLA(ticket []byte, at time.Time) ([]byte, error) {
	defer runtime.KeepAlive(p)
	text, n := textArg(ticket)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_sla_evaluate(p.handle, text, n, millis(at), out, outError)
	})
}

// EvaluateSLALines evaluates tickets given as JSON Lines, one report line (or error record
// {"line": N, "error": "..."} for a line that cannot be read) per non-blank input line, in
// input order. A malformed line does not stop the batch.
func (p *Policy) EvaluateSLALines(tickets []byte, at time.Time, batch Batch) ([]byte, error) {
	defer runtime.KeepAlive(p)
	text, n := textArg(tickets)
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_sla_evaluate_lines(p.handle, text, n, millis(at), batch.threads(),
			batch.firstLine(), out, outError)
	})
}

// EvaluateSLAFile evaluates the JSON Lines file ticketsPath, of any size, in bounded memory,
// writing the reports to reportsPath (created or truncated): what EvaluateSLALines gives for
// the whole file.
func (p *Policy) EvaluateSLAFile(ticketsPath, reportsPath string, at time.Time, threads int) error {
	defer runtime.KeepAlive(p)
	cTickets, err := cString("tickets path", ticketsPath)
	if err != nil {
		return err
	}
	defer freeCString(cTickets)
	cReports, err := cString("reports path", reportsPath)
	if err != nil {
		return err
	}
	defer freeCString(cReports)
	return call(func(outError **C.char) C.int {
		return C.aftersales_sla_evaluate_file(p.handle, cTickets, cReports, millis(at),
			Batch{Threads: threads}.threads(), outError)
	})
}
