#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Grades a submission: a thin PowerShell 7 wrapper over `dotnet run --project autograder -- grade`.
.EXAMPLE
    ./grade.ps1                                    # the reference, every assignment, into ./results
.EXAMPLE
    ./grade.ps1 -Submission ~/Downloads/alice -Assignment cs446-hw5 -Out ./results/alice
#>
[CmdletBinding()]
param(
    # Folder holding the student's .cs files (default: reference/).
    [string] $Submission,
    # Manifest name in autograder/assignments (default: every assignment).
    [string] $Assignment,
    # Output folder (default: ./results).
    [string] $Out,
    # Wall-clock limit for all checks, in seconds.
    [int] $Timeout,
    # Wall-clock limit for one call into student code, in seconds.
    [int] $CallTimeout,
    # Print the grade command's usage.
    [switch] $Help
)
$ErrorActionPreference = 'Stop'
$project = [System.IO.Path]::Combine($PSScriptRoot, 'autograder')
$arguments = @('run', '--project', $project, '--', 'grade')
if ($Help) { $arguments += '--help' }
if ($Submission) { $arguments += @('--submission', [System.IO.Path]::GetFullPath($Submission)) }
if ($Assignment) { $arguments += @('--assignment', $Assignment) }
if ($Out) { $arguments += @('--out', [System.IO.Path]::GetFullPath($Out)) }
if ($Timeout -gt 0) { $arguments += @('--timeout', $Timeout) }
if ($CallTimeout -gt 0) { $arguments += @('--call-timeout', $CallTimeout) }
& dotnet @arguments
exit $LASTEXITCODE
