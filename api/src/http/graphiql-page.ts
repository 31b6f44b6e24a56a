/**
 * GraphiQL's page: a small HTML document that loads GraphiQL's script, stylesheet and editor
 * workers as separate files, so a browser caches them once instead of receiving ~9 MB inlined
 * in every page. The build writes the page and the files (see build/graphiql.ts); the server
 * only serves them.
 */

/** Where GraphiQL's files are served; the page itself is at the GraphQL path. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/';

/** The file names (under GRAPHIQL_ASSETS_PATH) the build gave GraphiQL's parts. */
export interface GraphiQLAssets {
  script: string;
  stylesheet: string;
  icon: string;
  /** Monaco's workers by the label Monaco asks for. */
  workers: { editorWorkerService: string; json: string; graphql: string };
}

/** The operation text as written in this file, without the indentation it has here. */
function leftAligned(text: string): string {
  return `${text.replace(/^ {4}/gm, '').trim()}\n`;
}

const OPTIONS = {
  title: 'cloud-cloud GraphiQL',
  subscriptionsProtocol: 'WS',
  defaultQuery: leftAligned(/* GraphQL */ `
    # Welcome to cloud-cloud. Run an operation with the ▶ button.
    # Not logged in yet? Run Login first (the password was printed on first start).

    mutation Login {
      login(password: "…") {
        expiresAt
      }
    }

    query Now {
      displayState {
        mode
        color {
          r
          g
          b
          hex
        }
        pulse
        weather {
          state
          intensity
        }
        frame
        updatedAt
      }
      rooms {
        id
        name
        displayState {
          frame
        }
      }
      lamps {
        nodes {
          id
          name
          roomId
          online
          weakIdentity
          lastSeenAt
        }
      }
    }

    mutation Pink {
      setColor(color: { hex: "#ff41ae" }) {
        frame
      }
    }

    subscription Watch {
      displayState {
        mode
        frame
        updatedAt
      }
    }
  `),
};

/** JSON that may sit inside a <script> element: no `</script>` or `<!--` can form. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');
const asset = (file: string) => `${GRAPHIQL_ASSETS_PATH}${file}`;

export function renderGraphiQLPage(assets: GraphiQLAssets): string {
  const workers = {
    editorWorkerService: asset(assets.workers.editorWorkerService),
    json: asset(assets.workers.json),
    graphql: asset(assets.workers.graphql),
  };
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${OPTIONS.title}</title>
    <link rel="icon" href="${asset(assets.icon)}" />
    <link rel="stylesheet" href="${asset(assets.stylesheet)}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to run GraphiQL.</noscript>
    <div id="root"></div>
    <script>
      const workers = ${scriptJson(workers)};
      self.MonacoEnvironment = { globalAPI: false, getWorkerUrl: (_moduleId, label) => workers[label] };
    </script>
    <script src="${asset(assets.script)}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(OPTIONS)});
    </script>
  </body>
</html>
`;
}
