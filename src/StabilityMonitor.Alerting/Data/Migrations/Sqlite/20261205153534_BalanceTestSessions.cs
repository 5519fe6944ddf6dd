using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace StabilityMonitor.Alerting.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class BalanceTestSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "balance_test_sessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    FacilityId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ResidentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    DeviceId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Test = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Condition = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    StartedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    SegmentStart = table.Column<long>(type: "INTEGER", nullable: true),
                    SegmentEnd = table.Column<long>(type: "INTEGER", nullable: true),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResultJson = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_balance_test_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_balance_test_sessions_residents_ResidentId",
                        column: x => x.ResidentId,
                        principalTable: "residents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_balance_test_sessions_ResidentId_StartedAt",
                table: "balance_test_sessions",
                columns: new[] { "ResidentId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_balance_test_sessions_State",
                table: "balance_test_sessions",
                column: "State");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "balance_test_sessions");
        }
    }
}
