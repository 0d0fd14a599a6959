package aftersales_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"aftersales.dev/aftersales"
)

// Many goroutines fail at once, each in its own way, while others succeed on the same handles,
// and every error must carry the message of its own call. Goroutines share OS threads and move
// between them from one cgo call to the next: a message fetched afterwards with
// aftersales_last_error() (per OS thread) would often be another goroutine's, or the empty
// string a success left. The out_error parameter ties the message to the call.
func TestConcurrentErrorsAreEachCallsOwn(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	p := mustPolicy(t, weekdaysPolicy)
	c := mustCalendar(t)
	const goroutines, calls = 64, 400
	var wg sync.WaitGroup
	failures := make(chan string, goroutines*calls)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < calls; i++ {
				name := fmt.Sprintf("missing-%d-%d", g, i)
				_, err := p.Calendar(name)
				var e *aftersales.Error
				if !errors.As(err, &e) || e.Status != aftersales.ErrNotFound ||
					!strings.Contains(e.Message, `"`+name+`"`) {
					failures <- fmt.Sprintf("Calendar(%q): %v", name, err)
				}
				// A success in between, which clears a thread's last error.
				if open, err := c.IsOpen(time.UnixMilli(fri0900)); err != nil || !open {
					failures <- fmt.Sprintf("IsOpen: %v, %v", open, err)
				}
				// Another kind of failure, naming its own text.
				text := fmt.Sprintf("not-an-instant-%d-%d", g, i)
				_, err = aftersales.ParseInstant(text)
				if !errors.As(err, &e) || e.Status != aftersales.ErrInput || !strings.Contains(e.Message, `"`+text+`"`) {
					failures <- fmt.Sprintf("ParseInstant(%q): %v", text, err)
				}
			}
		}(g)
	}
	wg.Wait()
	close(failures)
	count := 0
	for failure := range failures {
		if count < 10 {
			t.Error(failure)
		}
		count++
	}
	if count > 0 {
		t.Errorf("%d of %d calls got a message not their own", count, goroutines*calls*3)
	}
}
