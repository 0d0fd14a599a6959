package aftersales

/*
#include <aftersales.h>
*/
import "C"

import (
	"runtime"
	"time"
)

// ExplainOptions says what Router.Explain looks at.
type ExplainOptions struct {
	// At, if not nil, judges overflow and the dropping of preferred skills as Dispatch(*At)
	// would; nil: as the last Dispatch left them.
	At *time.Time
	// Offset and Limit pick the agents listed, in id order: Limit 0 lists none (the summary
	// only), and at most 1000 are listed at once.
	Offset, Limit uint
}

// Explain says why the waiting ticket waits (docs/routing.md, "Why is this waiting?"): a JSON
// object {"ticket", "queue", "queues", "priority", "channel", "language", "skills",
// "waiting_since", "agents", "eligible", "summary": [{"reason", "agents", "text"}], "offset",
// "listed": [{"agent", "reason", "text"}]}, each agent's first failed criterion counted per
// reason and listed for the page asked for. ErrNotFound if the ticket is not waiting.
func (r *Router) Explain(ticketID string, options ExplainOptions) ([]byte, error) {
	defer runtime.KeepAlive(r)
	cTicket, err := cString("ticket id", ticketID)
	if err != nil {
		return nil, err
	}
	defer freeCString(cTicket)
	var at *C.int64_t
	if options.At != nil {
		ms := millis(*options.At)
		at = &ms
	}
	return callText(func(out, outError **C.char) C.int {
		return C.aftersales_router_explain(r.handle, cTicket, at, C.size_t(options.Offset), C.size_t(options.Limit), out, outError)
	})
}
