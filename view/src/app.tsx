import { Link, Route, Switch } from 'wouter-preact';
import { ComparePage } from './pages/compare-page';
import { PlaygroundPage } from './pages/playground-page';
import { ProblemListPage } from './pages/problem-list-page';
import { ProblemPage } from './pages/problem-page';
import { RunListPage } from './pages/run-list-page';
import { RunPage } from './pages/run-page';

export function App() {
  return (
    <>
      <header class="container-fluid topbar">
        <nav>
          <ul>
            <li>
              <Link href="/" class="brand">
                mathcoder view
              </Link>
            </li>
          </ul>
          <ul>
            <li>
              <Link href="/">Runs</Link>
            </li>
            <li>
              <Link href="/compare">Compare</Link>
            </li>
            <li>
              <Link href="/playground">Playground</Link>
            </li>
          </ul>
        </nav>
      </header>
      <main class="container-fluid">
        <Switch>
          <Route path="/" component={RunListPage} />
          <Route path="/runs/:run" component={RunPage} />
          <Route path="/runs/:run/problems" component={ProblemListPage} />
          <Route path="/runs/:run/problems/:key" component={ProblemPage} />
          <Route path="/compare" component={ComparePage} />
          <Route path="/playground" component={PlaygroundPage} />
          <Route>
            <p>No such page. <Link href="/">Back to the runs</Link></p>
          </Route>
        </Switch>
      </main>
    </>
  );
}
