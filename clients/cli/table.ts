/**
 * Tables for people, in the plain style of kubectl: upper-case headings, columns separated by two spaces, no
 * borders, nothing but ASCII around the cells (so they paste into tickets and survive `| less`). Headings are
 * bold only when colour is allowed (a terminal, and NO_COLOR not set).
 */
import Table from 'cli-table3';

/** A cell: text, a number, or nothing (shown as "-"). */
export type TableCell = string | number | boolean | null | undefined;

export interface TableOptions {
  /** Bold headings. @default false */
  color?: boolean;
  /** Columns whose cells are right-aligned (numbers), by index. @default none */
  alignRight?: readonly number[];
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
} as const;

/** Renders rows under headings; lines carry no trailing spaces. */
export function renderTable(
  head: readonly string[],
  rows: readonly TableCell[][],
  options: TableOptions = {},
): string {
  const alignRight = new Set(options.alignRight ?? []);
  const table = new Table({
    head: head.map((heading) => heading.toUpperCase()),
    chars: NO_BORDERS,
    colAligns: head.map((_, index) => (alignRight.has(index) ? 'right' : 'left')),
    style: { head: options.color ? ['bold'] : [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) table.push(row.map(cellText));
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

function cellText(cell: TableCell): string {
  if (cell === null || cell === undefined || cell === '') return '-';
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  // One line per row: a newline in a value (an error message) would break the columns.
  return String(cell).replace(/\s*\n\s*/g, ' ');
}
