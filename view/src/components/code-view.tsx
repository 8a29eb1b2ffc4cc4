import { useMemo } from 'preact/hooks';
import { highlightPython } from '../highlight';

/** A Python code block, highlighted. */
export function CodeView({ code, label = 'python' }: { code: string; label?: string }) {
  const html = useMemo(() => highlightPython(code.replace(/\r\n/g, '\n')), [code]);
  return (
    <figure class="code-block" data-testid="block-code">
      <figcaption>{label}</figcaption>
      <pre>
        <code class="hljs language-python" dangerouslySetInnerHTML={{ __html: html }} />
      </pre>
    </figure>
  );
}
