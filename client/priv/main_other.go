//go:build !linux

package priv

import (
	"context"
	"log/slog"

	"github.com/safedhcp/safedhcp/client/config"
)

// Exit statuses of Main.
const (
	ExitOK      = 0 // a lease was applied (oneshot) or a clean stop
	ExitFailure = 1 // a runtime failure or the oneshot timeout
	ExitUsage   = 2 // a bad configuration or a missing interface
)

// Main reports that the client needs Linux and returns ExitFailure.
func Main(ctx context.Context, cfg *config.Config, log *slog.Logger) int {
	log.Error("priv: dhcp-client runs on Linux only")

	return ExitFailure
}
