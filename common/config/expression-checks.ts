/**
 * Deploy-time compilation of a job's expressions (transform blocks, `keys`, `mapping`, `foreach`): a syntax
 * error or an unknown function is a problem of the job file, located at the expression's node, with the
 * position inside the expression in the message. Workers compile the same expressions again per thread.
 */
import type { Node, YAMLMap } from 'yaml';
import { ExpressionSyntaxError, compileExpression } from '../expressions/index.js';
import type { ExpressionLanguage } from '../expressions/index.js';
import type { JobConfig, MapExpression } from './job-model.js';
import type { FileContext } from './yaml-source.js';

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

interface Located {
  /** YAML path of the node to report at. */
  at: (string | number)[];
  source: string;
  language: ExpressionLanguage;
}

/** Compiles every expression of the job; reports each failure at its node. */
export function checkJobExpressions(ctx: FileContext, root: YAMLMap, job: JobConfig): void {
  for (const item of expressionsOf(job, root)) {
    try {
      compileExpression(item.source, item.language);
    } catch (error) {
      const node = nodeAt(root, item.at) ?? root;
      // The languages' messages place the error within the expression ("at line 1, column 6").
      const message = error instanceof ExpressionSyntaxError ? error.message : String(error);
      ctx.problem(node, pathText(item.at), `in the ${item.language} expression: ${message}`);
    }
  }
}

function expressionsOf(job: JobConfig, root: YAMLMap): Located[] {
  const found: Located[] = [];
  job.transform.forEach((block, index) => {
    const base = ['transform', index, 'with'];
    switch (block.uses) {
      case 'add_field':
        if (root.getIn([...base, 'fields']) === undefined) {
          const [field] = block.fields;
          if (field) found.push({ at: [...base, 'expression'], ...expression(field.expression) });
        } else {
          block.fields.forEach((field, position) =>
            found.push({ at: [...base, 'fields', position, 'expression'], ...expression(field.expression) }),
          );
        }
        break;
      case 'filter':
      case 'key':
        found.push({ at: [...base, 'expression'], ...expression(block.expression) });
        break;
      case 'map':
        mapExpressions(block.expression, [...base, 'expression'], block.language, found);
        break;
      default:
        break;
    }
  });
  if (job.kind === 'write-behind') {
    job.output.forEach((output, index) => {
      const base = ['output', index, 'with'];
      for (const list of ['keys', 'mapping'] as const) {
        output[list].forEach((column, position) => {
          if (!PLAIN.test(column.expression)) {
            found.push({ at: [...base, list, position], source: column.expression, language: 'jmespath' });
          }
        });
      }
      if (output.foreach && !PLAIN.test(output.foreach.expression)) {
        found.push({ at: [...base, 'foreach'], source: output.foreach.expression, language: 'jmespath' });
      }
    });
  }
  return found;
}

function expression(value: { expression: string; language: ExpressionLanguage }): {
  source: string;
  language: ExpressionLanguage;
} {
  return { source: value.expression, language: value.language };
}

function mapExpressions(
  value: MapExpression,
  at: (string | number)[],
  language: ExpressionLanguage,
  found: Located[],
): void {
  if (typeof value === 'string') {
    found.push({ at, source: value, language });
    return;
  }
  for (const [field, inner] of Object.entries(value)) mapExpressions(inner, [...at, field], language, found);
}

function nodeAt(root: YAMLMap, path: (string | number)[]): Node | undefined {
  const node: unknown = root.getIn(path, true);
  return node && typeof node === 'object' && 'range' in node ? (node as Node) : undefined;
}

function pathText(path: (string | number)[]): string {
  let text = '';
  for (const step of path) {
    if (typeof step === 'number') text += `[${step}]`;
    else text += text === '' ? step : `.${step}`;
  }
  return text;
}
