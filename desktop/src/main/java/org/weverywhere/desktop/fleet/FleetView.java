package org.weverywhere.desktop.fleet;

import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ToggleButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The Fleet screen: load and free memory over time per daemon, executions and refusals per group,
 * as charts; it only binds to {@link FleetModel} (and runs its 2 s timer).
 */
public final class FleetView extends BorderPane {
  private final Timeline ticker;

  public FleetView(FleetModel model) {
    setId("fleet");
    LineChart<Number, Number> load = lineChart("loadChart", "Load average (1 min)", "load");
    load.setData(model.load());
    LineChart<Number, Number> memory = lineChart("memoryChart", "Free memory", "MiB");
    memory.setData(model.memory());
    CategoryAxis group = new CategoryAxis();
    group.setLabel("group");
    NumberAxis count = new NumberAxis();
    count.setLabel("events");
    BarChart<String, Number> groups = new BarChart<>(group, count, model.groups());
    groups.setId("groupChart");
    groups.setTitle("Executions and refusals per group (local daemon's events)");
    groups.setAnimated(false); // bars are replaced, not moved, at each batch

    Button refresh = new Button("_Refresh");
    refresh.setId("fleetRefreshButton");
    refresh.setMnemonicParsing(true);
    refresh.disableProperty().bind(model.refreshingProperty());
    refresh.setOnAction(e -> model.refresh());
    ToggleButton live = new ToggleButton("Live");
    live.setId("fleetLiveButton");
    live.selectedProperty().bindBidirectional(model.liveProperty());
    ProgressIndicator busy = new ProgressIndicator();
    busy.setPrefSize(18, 18);
    busy.visibleProperty().bind(model.refreshingProperty());
    Label status = new Label();
    status.setId("fleetStatus");
    status.textProperty().bind(model.statusProperty());
    Region grow = new Region();
    HBox.setHgrow(grow, Priority.ALWAYS);
    Button follow = new Button("Follow events");
    follow.setId("fleetFollowButton");
    follow.disableProperty().bind(model.followingProperty());
    follow.setOnAction(e -> model.follow());
    Button stop = new Button("Stop");
    stop.setId("fleetStopButton");
    stop.disableProperty().bind(model.followingProperty().not());
    stop.setOnAction(e -> model.stop());
    Label eventsStatus = new Label();
    eventsStatus.setId("fleetEventsStatus");
    eventsStatus.textProperty().bind(model.eventsStatusProperty());
    HBox bar = new HBox(8, refresh, live, busy, status, grow, follow, stop);
    bar.setPadding(new Insets(8));
    bar.setAlignment(Pos.CENTER_LEFT);

    GridPane charts = new GridPane();
    charts.add(load, 0, 0);
    charts.add(memory, 1, 0);
    charts.add(groups, 0, 1, 2, 1);
    for (var chart : java.util.List.of(load, memory, groups)) {
      GridPane.setHgrow(chart, Priority.ALWAYS);
      GridPane.setVgrow(chart, Priority.ALWAYS);
      chart.setMinSize(100, 100);
    }
    setTop(bar);
    setCenter(charts);
    HBox foot = new HBox(eventsStatus);
    foot.setPadding(new Insets(4, 8, 4, 8));
    setBottom(foot);

    ticker = new Timeline(new KeyFrame(javafx.util.Duration.seconds(2), e -> model.tick()));
    ticker.setCycleCount(Timeline.INDEFINITE);
    ticker.play();
  }

  /** Stops the timer. */
  public void stop() {
    ticker.stop();
  }

  private static LineChart<Number, Number> lineChart(String id, String title, String unit) {
    NumberAxis time = new NumberAxis();
    time.setLabel("seconds");
    time.setForceZeroInRange(false);
    NumberAxis value = new NumberAxis();
    value.setLabel(unit);
    LineChart<Number, Number> chart = new LineChart<>(time, value);
    chart.setId(id);
    chart.setTitle(title);
    chart.setAnimated(
        false); // a point a refresh: animating each would lag behind on a busy machine
    chart.setCreateSymbols(true);
    return chart;
  }
}
