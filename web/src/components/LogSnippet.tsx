// The first-run snippet shown where there is nothing to show yet.

export function LogSnippet({ project = "my-project" }: { project?: string }) {
  return (
    <pre className="snippet" data-testid="snippet">
      <span className="kw">import</span> cairn{"\n"}
      run = cairn.init(project=<span className="str">"{project}"</span>, config={"{"}
      <span className="str">"lr"</span>: <span className="num">1e-3</span>
      {"}"}){"\n"}
      run.log({"{"}
      <span className="str">"loss"</span>: <span className="num">0.42</span>
      {"}"})
    </pre>
  );
}
