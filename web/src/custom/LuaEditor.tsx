// A CodeMirror 6 editor for Lua, with the report's problems shown inline under their lines.
import { useEffect, useRef } from "react";
import { EditorView, basicSetup } from "codemirror";
import { StreamLanguage } from "@codemirror/language";
import { lua } from "@codemirror/legacy-modes/mode/lua";
import { Diagnostic, lintGutter, setDiagnostics } from "@codemirror/lint";
import { EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, DecorationSet, WidgetType } from "@codemirror/view";

export interface LineProblem {
  line: number;
  message: string;
}

class ProblemWidget extends WidgetType {
  constructor(private readonly text: string) {
    super();
  }
  eq(other: ProblemWidget) {
    return other.text === this.text;
  }
  toDOM() {
    const el = document.createElement("div");
    el.className = "cm-problem";
    el.setAttribute("role", "note");
    el.textContent = this.text;
    return el;
  }
}

const setProblems = StateEffect.define<LineProblem[]>();

function decorate(state: EditorState, problems: LineProblem[]): DecorationSet {
  const byLine = new Map<number, string[]>();
  for (const p of problems) {
    const n = Math.min(Math.max(1, p.line), state.doc.lines);
    byLine.set(n, [...(byLine.get(n) ?? []), p.message]);
  }
  const ranges = [...byLine.entries()]
    .sort((a, b) => a[0] - b[0])
    .flatMap(([n, msgs]) => {
      const line = state.doc.line(n);
      return [
        Decoration.line({ class: "cm-problem-line" }).range(line.from),
        Decoration.widget({ widget: new ProblemWidget(`line ${n}: ${msgs.join("; ")}`), block: true, side: 1 }).range(line.to),
      ];
    });
  return Decoration.set(ranges, true);
}

const problemField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) if (e.is(setProblems)) return decorate(tr.state, e.value);
    return tr.docChanged ? Decoration.none : deco.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

interface Props {
  value: string;
  onChange(v: string): void;
  problems: LineProblem[];
}

export function LuaEditor({ value, onChange, problems }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef(onChange);
  latest.current = onChange;

  useEffect(() => {
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          StreamLanguage.define(lua),
          lintGutter(),
          problemField,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  // a new script from outside (another connector or version loaded)
  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const diags: Diagnostic[] = problems.map((p) => {
      const line = v.state.doc.line(Math.min(Math.max(1, p.line), v.state.doc.lines));
      return { from: line.from, to: line.to, severity: "error", message: p.message };
    });
    v.dispatch(setDiagnostics(v.state, diags));
    v.dispatch({ effects: setProblems.of(problems) });
  }, [problems]);

  return <div ref={host} className="lua-editor" data-testid="lua-editor" />;
}
