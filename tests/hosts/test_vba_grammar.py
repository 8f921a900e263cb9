"""The VBA module classic xlwings' *Import Functions* writes, parsed by a VBA grammar (issue 23, part 4).

The module comes from the replay (``xlwings_classic_replay.py``: xlwings' own
``udfs.generate_vba_wrapper`` over ``xlspectrum.excel``). antlr4-vba (ANTLR's generated Python
parsers for the VBA language specification, MS-VBAL) parses it as Excel would import it, a
``.bas`` file headed ``Attribute VB_Name``: its conditional-compilation structure, then each
of the two branches (``#If App = "Microsoft Excel"``, the Windows Excel one, and ``#Else``),
with 0 syntax errors; a deliberately broken copy must give errors, so the check is not blind.
Excel's limits are checked on the parse tree: lines of at most 1023 characters, at most 60
arguments a procedure, identifiers of a letter then letters, digits or ``_``, at most 255
characters, none a keyword of the grammar.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

antlr4 = pytest.importorskip("antlr4")
pytest.importorskip("antlr4_vba")

from antlr4 import CommonTokenStream, InputStream  # noqa: E402
from antlr4.error.ErrorListener import ErrorListener  # noqa: E402
from antlr4.tree.Tree import ParseTreeWalker  # noqa: E402
from antlr4_vba.vba_ccLexer import vba_ccLexer  # noqa: E402
from antlr4_vba.vba_ccParser import vba_ccParser  # noqa: E402
from antlr4_vba.vbaLexer import vbaLexer  # noqa: E402
from antlr4_vba.vbaParser import vbaParser  # noqa: E402
from antlr4_vba.vbaParserListener import vbaParserListener  # noqa: E402

from xlspectrum.hosts.registry import FUNCTIONS  # noqa: E402

REPLAY = Path(__file__).parents[1] / "xlwings_classic_replay.py"
#: the module name xlwings imports the functions under, as an exported .bas file states it
HEADER = 'Attribute VB_Name = "xlwings_udfs"\n'
#: Excel's VBA limits (Microsoft's "Visual Basic for Applications specifications and limitations")
LINE_LIMIT, ARGUMENT_LIMIT, NAME_LIMIT = 1023, 60, 255
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
#: the only conditional-compilation lines xlwings writes; :func:`branch` understands these
DIRECTIVES = {'#If App = "Microsoft Excel" Then', "#Else", "#End If"}


class Errors(ErrorListener):
    def __init__(self):
        self.found = []

    def syntaxError(self, recognizer, offending, line, column, message, error):  # noqa: N802 - ANTLR's name
        self.found.append(f"line {line}:{column} {message}")


def parse(text, lexer_class=vbaLexer, parser_class=vbaParser):
    """The parse tree of ``text`` (its start rule) and every lexer and parser error."""
    errors = Errors()
    lexer = lexer_class(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(errors)
    parser = parser_class(CommonTokenStream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(errors)
    return parser.startRule(), errors.found


def branch(vba, excel):
    """The module as the VBA compiler sees it with ``App = "Microsoft Excel"`` true (``excel``) or false."""
    kept, stack = [], []
    for line in vba.splitlines():
        directive = line.strip()
        if directive.startswith("#"):
            assert directive in DIRECTIVES, f"a directive the branch reader does not know: {directive}"
            if directive.startswith("#If"):
                stack.append(excel)
            elif directive == "#Else":
                stack[-1] = not stack[-1]
            else:
                stack.pop()
            continue
        if all(stack):
            kept.append(line)
    assert not stack, "an #If without #End If"
    return "\n".join(kept) + "\n"


@pytest.fixture(scope="module")
def vba():
    run = subprocess.run([sys.executable, str(REPLAY)], input="[]", capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)["vba"]


class Procedures(vbaParserListener):
    """Each Function's name and parameter names, from the parse tree."""

    def __init__(self):
        self.found = {}
        self._current = None

    def enterFunctionDeclaration(self, ctx):  # noqa: N802 - ANTLR's name
        self._current = ctx.functionName().getText()
        self.found[self._current] = []

    def exitFunctionDeclaration(self, ctx):  # noqa: N802
        self._current = None

    def enterParamDcl(self, ctx):  # noqa: N802
        if self._current is not None:
            name = (ctx.untypedNameParamDcl() or ctx.typedNameParamDcl()).getText()
            self.found[self._current].append(name)


@pytest.mark.slow
@pytest.mark.parametrize("excel", [True, False], ids=["#If App = Microsoft Excel", "#Else"])
def test_each_branch_of_the_generated_vba_parses_and_fits_excels_limits(vba, excel):
    tree, errors = parse(HEADER + branch(vba, excel))
    assert errors == []
    procedures = Procedures()
    ParseTreeWalker().walk(procedures, tree)
    assert set(procedures.found) == {spec.excel_name for spec in FUNCTIONS}
    for spec in FUNCTIONS:
        parameters = procedures.found[spec.excel_name]
        assert parameters == [a.name for a in spec.arguments] and len(parameters) <= ARGUMENT_LIMIT
        for name in [spec.excel_name, *parameters]:
            assert IDENTIFIER.fullmatch(name) and len(name) <= NAME_LIMIT, name
            assert not is_keyword(name), f"{name} is a keyword of VBA"


def test_the_conditional_compilation_structure_parses(vba):
    assert {line.strip() for line in vba.splitlines() if line.strip().startswith("#")} == DIRECTIVES
    _, errors = parse(HEADER + vba, vba_ccLexer, vba_ccParser)
    assert errors == []


def test_no_line_is_longer_than_excel_allows(vba):
    longest = max(vba.splitlines(), key=len)
    assert len(longest) <= LINE_LIMIT, longest[:80]


def is_keyword(name):
    """True when the grammar's lexer reads ``name`` as one of its keywords, not as an identifier."""
    tokens = vbaLexer(InputStream(name)).getAllTokens()
    return not (len(tokens) == 1 and tokens[0].type == vbaLexer.IDENTIFIER)


def test_the_keyword_check_knows_vbas_keywords():
    assert all(is_keyword(word) for word in ("Function", "optional", "ReDim", "ParamArray", "Then"))
    assert not any(is_keyword(word) for word in ("distance_km", "FSPL", "rule"))


@pytest.mark.slow
@pytest.mark.parametrize("break_it", [
    pytest.param(lambda text: text.replace("End Function", "End Functio", 1), id="an End Function misspelt"),
    pytest.param(lambda text: re.sub(r"\((price), ", r"(\1 ", text, count=1), id="a comma missing between parameters"),
    pytest.param(lambda text: text.replace(")\n", "\n", 1), id="a parenthesis not closed"),
])
def test_a_broken_copy_is_caught(vba, break_it):
    text = HEADER + branch(vba, True)
    broken = break_it(text)
    assert broken != text
    _, errors = parse(broken)
    assert errors, "the grammar accepted a broken module"
