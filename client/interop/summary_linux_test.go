package interop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"
)

// summary collects the outcome of every case for the tables TestMain
// prints at the end of the run.
var summary struct {
	mu    sync.Mutex
	cells map[string]map[string]map[string]string // table, row, column
	rows  map[string][]string                     // table: rows in order
	cols  map[string][]string                     // table: columns in order
	notes []string
}

// record sets a cell of table to text.
func record(table, row, col, text string) {
	summary.mu.Lock()
	defer summary.mu.Unlock()

	if summary.cells == nil {
		summary.cells = make(map[string]map[string]map[string]string)
		summary.rows = make(map[string][]string)
		summary.cols = make(map[string][]string)
	}
	if summary.cells[table] == nil {
		summary.cells[table] = make(map[string]map[string]string)
	}
	if summary.cells[table][row] == nil {
		summary.cells[table][row] = make(map[string]string)
		summary.rows[table] = append(summary.rows[table], row)
	}
	if !slices.Contains(summary.cols[table], col) {
		summary.cols[table] = append(summary.cols[table], col)
	}
	summary.cells[table][row][col] = text
}

// note adds a line printed under the tables.
func note(format string, args ...any) {
	summary.mu.Lock()
	defer summary.mu.Unlock()

	summary.notes = append(summary.notes, fmt.Sprintf(format, args...))
}

// outcome records in the cell, when t ends, "pass" plus how, or FAIL.
func outcome(t *testing.T, table, row, col, how string) {
	t.Cleanup(func() {
		switch {
		case t.Skipped():
			record(table, row, col, "SKIP")
		case t.Failed():
			record(table, row, col, "FAIL")
		case how == "":
			record(table, row, col, "pass")
		default:
			record(table, row, col, "pass ("+how+")")
		}
	})
}

// printSummary writes every table recorded, in a stable order.
func printSummary(w io.Writer) {
	summary.mu.Lock()
	defer summary.mu.Unlock()

	tables := make([]string, 0, len(summary.cells))
	for name := range summary.cells {
		tables = append(tables, name)
	}
	slices.Sort(tables)

	for _, name := range tables {
		fmt.Fprintf(w, "\n== %s ==\n", name)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		cols := summary.cols[name]
		fmt.Fprintf(tw, "\t%s\n", strings.Join(cols, "\t"))
		for _, row := range summary.rows[name] {
			cells := make([]string, len(cols))
			for i, c := range cols {
				cells[i] = summary.cells[name][row][c]
				if cells[i] == "" {
					cells[i] = "-"
				}
			}
			fmt.Fprintf(tw, "%s\t%s\n", row, strings.Join(cells, "\t"))
		}
		tw.Flush()
	}

	for _, n := range summary.notes {
		fmt.Fprintln(w, n)
	}
}

// writeSummary writes the tables to the file at path, atomically: go
// test shows a passing package's output only with -v, so a make target
// prints this file instead.
func writeSummary(path string) error {
	var b bytes.Buffer
	printSummary(&b)

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("interop: writing the summary: %w", err)
	}

	_, werr := f.Write(b.Bytes())
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("interop: writing the summary: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("interop: writing the summary: %w", err)
	}

	return nil
}
