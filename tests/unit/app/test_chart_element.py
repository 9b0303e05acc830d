"""The chart element's server side: plotly.js published for the browser, figures as JSON."""

import json
import os

import plotly.graph_objects as go

from lib.app import chart_element
from lib.render.charts import frozen


def test_plotly_script_is_published_whole_and_only_when_missing_or_different(tmp_path):
    target = chart_element.publish_plotly_script(tmp_path)
    source = chart_element._plotly_source()
    assert target.read_bytes() == source.read_bytes()
    os.utime(target, (1, 1))
    chart_element.publish_plotly_script(tmp_path)  # the same file: left alone
    assert target.stat().st_mtime == 1
    target.write_text("truncated")  # a half-written or older copy is replaced
    chart_element.publish_plotly_script(tmp_path)
    assert target.read_bytes() == source.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [chart_element.PLOTLY_SCRIPT]  # no scratch


def test_a_frozen_figure_is_serialised_once_and_as_plotly_reads_it():
    figure = frozen(go.Figure(go.Bar(x=["a"], y=[1]), layout={"height": 300}))
    text = chart_element.figure_json(figure)
    assert chart_element.figure_json(figure) is text
    assert json.loads(text)["data"][0]["y"] == [1]
    plain = go.Figure(go.Bar(x=["a"], y=[2]))
    assert json.loads(chart_element.figure_json(plain))["data"][0]["y"] == [2]


def test_the_script_sent_with_each_chart_has_no_comment_lines():
    script = chart_element._script()
    assert "export default function" in script
    assert not [line for line in script.splitlines() if line.lstrip().startswith("//")]
