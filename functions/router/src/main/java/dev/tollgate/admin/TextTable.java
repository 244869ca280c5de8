package dev.tollgate.admin;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Plain aligned text columns: a header, rows, two spaces between columns, numbers right-aligned. */
final class TextTable {

    private final List<String> headers = new ArrayList<>();
    private final List<Boolean> rightAligned = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    TextTable left(String header) {
        headers.add(header);
        rightAligned.add(false);
        return this;
    }

    TextTable right(String header) {
        headers.add(header);
        rightAligned.add(true);
        return this;
    }

    TextTable row(String... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(cells.length + " cells for " + headers.size() + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    int size() {
        return rows.size();
    }

    void print(PrintStream out) {
        int[] widths = new int[headers.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = headers.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        out.println(line(headers, widths));
        rows.forEach(row -> out.println(line(row, widths)));
    }

    private String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                line.append("  ");
            }
            String cell = cells.get(c);
            String pad = " ".repeat(widths[c] - cell.length());
            line.append(rightAligned.get(c) ? pad + cell : cell + pad);
        }
        return line.toString().stripTrailing();
    }
}
