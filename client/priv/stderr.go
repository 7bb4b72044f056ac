package priv

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"
)

// maxStderrLine bounds a line of an engine's stderr: the rest of a longer
// line is dropped and the record says truncated=true.
const maxStderrLine = 1024

// stderrRelay re-logs what engines write to their stderr, a pipe the
// supervisor reads, at error level with component=engine-stderr and one
// record per line. An engine writes there only when it fails outside its
// logger (a Go runtime panic, an error before its channel works), so
// nothing it writes reaches the supervisor's own stderr: slog quotes
// each line as the value of the line attribute, the message is fixed,
// and the lines share a token bucket with the bounds of the engine's Log
// requests (logBurst, logRate) across all engines a starter runs.
type stderrRelay struct {
	log *slog.Logger

	mu     sync.Mutex
	bucket tokenBucket
}

// newStderrRelay returns a relay that logs to log.
func newStderrRelay(log *slog.Logger) *stderrRelay {
	return &stderrRelay{
		log:    log.With("component", "engine-stderr"),
		bucket: tokenBucket{burst: logBurst, rate: logRate},
	}
}

// relay logs the lines engine pid writes to r until r ends, then how
// many the rate limit dropped, if any. Empty lines are skipped.
func (s *stderrRelay) relay(r io.Reader, pid int) {
	// One byte more than a line, for its newline.
	br := bufio.NewReaderSize(r, maxStderrLine+1)
	rest := false // dropping the rest of a line that was too long
	for {
		line, err := br.ReadSlice('\n')
		full := errors.Is(err, bufio.ErrBufferFull)
		if !rest {
			s.line(line, pid, full)
		}

		rest = full
		if err != nil && !full {
			break
		}
	}

	s.mu.Lock()
	dropped := s.bucket.dropped
	s.bucket.dropped = 0
	s.mu.Unlock()
	if dropped > 0 {
		s.log.Warn("engine stderr lines dropped by the rate limit",
			"pid", pid, "dropped", dropped)
	}
}

// line logs one line, within the rate limit.
func (s *stderrRelay) line(b []byte, pid int, truncated bool) {
	b = bytes.TrimSuffix(b, []byte("\n"))
	b = b[:min(len(b), maxStderrLine)]
	if len(b) == 0 {
		return
	}

	s.mu.Lock()
	ok, dropped := s.bucket.allow(time.Now())
	s.mu.Unlock()
	if !ok {
		return
	}

	if dropped > 0 {
		s.log.Warn("engine stderr lines dropped by the rate limit",
			"pid", pid, "dropped", dropped)
	}

	attrs := []slog.Attr{slog.Int("pid", pid), slog.String("line", string(b))}
	if truncated {
		attrs = append(attrs, slog.Bool("truncated", true))
	}

	s.log.LogAttrs(context.Background(), slog.LevelError, "engine stderr",
		attrs...)
}
