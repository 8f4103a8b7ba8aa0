// Markdown code blocks of the NUT test-vector files, with the heading above each block and the
// prose just before and after it (where the vectors state expected values in backticks). Shared by
// the vector generators in tools/vectors/.
export interface Block { lang: string; body: string; heading: string; before: string; after: string }

/** The fenced code blocks of `md` in order; `after` keeps up to ~4000 characters of prose. */
export function parseBlocks(md: string): Block[] {
  const out: Block[] = [];
  const lines = md.split("\n");
  let heading = "";
  let prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*```(\w*)\s*$/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^\s*```\s*$/.test(lines[i])) body.push(lines[i++]);
      out.push({ lang: fence[1], body: body.join("\n"), heading, before: prose.join("\n"), after: "" });
      prose = [];
      continue;
    }
    if (/^#{1,6}\s/.test(line)) {
      heading = line.replace(/^#+\s*/, "").trim();
      prose = [];
      continue;
    }
    prose.push(line);
    if (out.length && out[out.length - 1].after.length < 4000) out[out.length - 1].after += line + "\n";
  }
  return out;
}
